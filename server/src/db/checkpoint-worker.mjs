/**
 * The background WAL checkpointer's thread (see checkpoints.ts): its own
 * connection to the portal's SQLite file runs a PASSIVE checkpoint every
 * `intervalMs`, so the checkpoint's writes and fsyncs happen here instead of
 * inside a request's COMMIT on the event loop. PASSIVE never waits for the
 * writer or readers: it copies what it can and the next one goes on.
 *
 * Plain JavaScript on purpose: a worker thread loads this file by itself, and
 * the parent may run with a TypeScript loader (tsx) or without one (tests,
 * a bundled build), so the file must need none.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, intervalMs } = workerData;
const db = new Database(file);
// The writer holds its lock only briefly; a checkpoint that meets it simply tries again next time.
db.pragma('busy_timeout = 0');

const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    // SQLITE_BUSY: the writer or another checkpoint was there first; the next tick continues.
    if (error?.code !== 'SQLITE_BUSY') throw error;
  }
}, intervalMs);

parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
