/**
 * `GET /downloads`: the agent builds the admin offers, with real checksums.
 */
import { downloadsResponseSchema } from '../../../../contract/schemas.ts';
import { listDownloads } from '../../repo/downloads.ts';
import { agentFileUrl } from '../downloads-files.ts';
import { defineRoute } from '../route.ts';

/** Downloads route. */
export const downloadRoutes = [
  defineRoute({
    method: 'GET',
    path: '/downloads',
    auth: true,
    response: downloadsResponseSchema,
    handler: async ({ portal }) => ({
      body: {
        downloads: (await listDownloads(portal.db)).map((row) => ({
          id: row.id,
          name: row.name,
          os: row.os,
          arch: row.arch,
          version: row.version,
          url: row.file_name ? agentFileUrl(portal.issuer, row.file_name) : (row.url as string),
          sha256: row.sha256,
          sizeBytes: row.size_bytes,
        })),
      },
    }),
  }),
];
