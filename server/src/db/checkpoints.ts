/**
 * WAL checkpoints off the event loop, for the portal server's SQLite file.
 *
 * In WAL mode SQLite copies the log back into the database file (a
 * checkpoint, with its fsyncs) inside whichever COMMIT pushes the log past
 * `wal_autocheckpoint` pages (1,000 by default). On the portal's single
 * connection that COMMIT runs on the event loop, so every few hundred
 * launches one request waits for the disk and every request queued behind it
 * waits too: measured on a 2-core machine, the launch phase's p99 went from
 * 17–19 ms to 14–15 ms and throughput rose ~10 % once checkpoints ran in a
 * worker thread (bench/portal.ts; raising `wal_autocheckpoint` alone to
 * 10,000 made p99 worse, ~50 ms, as each checkpoint grew).
 *
 * Contract: {@link startBackgroundCheckpoints} starts a worker thread
 * (checkpoint-worker.mjs) with its own connection that runs a PASSIVE
 * checkpoint every {@link CHECKPOINT_INTERVAL_MS}: it copies the log's frames
 * into the database file while requests go on. Under steady writes a PASSIVE
 * checkpoint rarely finds the log idle, so it cannot start the log over; the
 * main connection's `wal_autocheckpoint`, raised to
 * {@link FALLBACK_AUTOCHECKPOINT_PAGES}, still does that at that size
 * (~40 MiB of log at 4 KiB pages), and by then the worker has copied nearly
 * every frame, so that checkpoint is short. (With the threshold left at
 * 1,000 pages the gain disappeared: the main connection still did most of the
 * copying.) Should the worker fail, the main connection goes back to SQLite's
 * default so checkpoints happen as before. `stop()` ends the thread and its
 * connection (before the main connection closes, so that close can checkpoint
 * and remove the log).
 * The CLI and tests that open the file briefly do not use it.
 */
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

export const CHECKPOINT_INTERVAL_MS = 100;
/** The main connection's own checkpoint threshold while the worker runs (~40 MiB of log at 4 KiB pages). */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;
/** SQLite's default threshold, restored if the worker fails. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;

/** A running background checkpointer. */
export interface BackgroundCheckpoints {
  stop(): Promise<void>;
}

/** Starts checkpointing `file` (the main connection is `handle`) in a worker thread. */
export function startBackgroundCheckpoints(
  handle: BetterSqlite3.Database,
  file: string,
  intervalMs = CHECKPOINT_INTERVAL_MS,
): BackgroundCheckpoints {
  const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), {
    workerData: { file, intervalMs },
  });
  // The portal's close() stops it; it must never keep a process alive on its own.
  worker.unref();
  handle.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopping = false;
  worker.once('error', () => {
    if (!stopping && handle.open) handle.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  });
  return {
    async stop() {
      stopping = true;
      worker.postMessage('stop');
      await exited;
    },
  };
}
