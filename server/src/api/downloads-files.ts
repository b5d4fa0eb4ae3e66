/**
 * The agent files the portal serves itself (`/downloads/files/<name>`), so the
 * `GET /downloads` entries point at real bytes with real SHA-256 checksums.
 *
 * Only names registered in the `downloads` table are served, looked up by
 * exact match: no path from the request ever reaches the file system, so
 * there is nothing to traverse.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Koa from 'koa';
import type { PortalContext } from '../context.ts';
import { findDownloadByFileName } from '../repo/downloads.ts';

/** Folder of the shipped agent files. */
export const AGENT_FILES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'agent-files');

const PREFIX = '/downloads/files/';

/** Public address of a file served by the portal. */
export function agentFileUrl(issuer: string, fileName: string): string {
  return `${issuer}${PREFIX}${encodeURIComponent(fileName)}`;
}

/** Answers `GET`/`HEAD /downloads/files/<name>`. */
export async function serveAgentFile(ctx: PortalContext, koa: Koa.Context): Promise<void> {
  koa.set('X-Content-Type-Options', 'nosniff');
  if (koa.method !== 'GET' && koa.method !== 'HEAD') {
    koa.set('Allow', 'GET, HEAD');
    koa.status = 405;
    return;
  }
  let name: string;
  try {
    name = decodeURIComponent(koa.path.slice(PREFIX.length));
  } catch {
    koa.status = 404;
    return;
  }
  const row = await findDownloadByFileName(ctx.db, name);
  if (!row?.file_name) {
    koa.status = 404;
    koa.type = 'text/plain';
    koa.body = 'No such download. Open the downloads list in the launcher again.';
    return;
  }
  const bytes = await fs.readFile(path.join(AGENT_FILES_DIR, path.basename(row.file_name)));
  koa.status = 200;
  koa.type = 'application/octet-stream';
  koa.set('Content-Disposition', `attachment; filename="${row.file_name.replace(/["\\]/g, '')}"`);
  koa.set('Cache-Control', 'public, max-age=3600');
  koa.body = bytes;
}
