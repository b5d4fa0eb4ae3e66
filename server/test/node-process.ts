/**
 * A portal node in a child process of its own, so a test can `kill -9` it
 * (C11). The child runs `server/test/node-process.ts` itself: it starts the
 * portal from the `PORTAL_*` variables it is given, on a free loopback port,
 * and prints one JSON line with its address; it then serves until killed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A node running in a child process. */
export interface NodeProcess {
  /** `http://127.0.0.1:<port>`: where this node itself listens. */
  address: string;
  child: ChildProcess;
  /** SIGKILL, as a crashed machine would: no clean close, no flush. Resolves when it is gone. */
  kill9(): Promise<void>;
}

/** Starts a node on `databaseUrl` with the shared `issuer` (the load balancer's address). */
export async function startNodeProcess(databaseUrl: string, issuer: string): Promise<NodeProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-node-'));
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: {
      PATH: process.env.PATH,
      PORTAL_DATABASE_URL: databaseUrl,
      PORTAL_ISSUER: issuer,
      PORTAL_DATA_DIR: dataDir,
      PORTAL_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node did not start within 60 s: ${output}`)), 60_000);
    let line = '';
    child.stdout?.on('data', (chunk) => {
      line += String(chunk);
      const match = /^\{"address":"([^"]+)"\}$/m.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node exited (${code}) before it listened: ${output}`));
    });
  });
  // Keep draining its log so the pipe never fills.
  child.stdout?.resume();
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    address,
    child,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await gone;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// The child: start the portal and say where it listens.
if (process.argv[1] === import.meta.filename) {
  const { startPortal } = await import('../src/app.ts');
  const portal = await startPortal({
    dataDir: process.env.PORTAL_DATA_DIR as string,
    seedDemo: false,
    demoApps: false,
    logger: () => {},
  });
  process.stdout.write(`${JSON.stringify({ address: portal.address })}\n`);
}
