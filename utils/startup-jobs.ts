/**
 * The background's start-up work that no event waits for (issue 15): the
 * toolbar, the push connection and the popup's address are brought up to
 * date each time the worker starts, but a popup that woke
 * the worker waits for its first answer meanwhile. They therefore run once
 * that first answer went out ({@link StartupJobs.answered}), or after
 * `idleMs` when no message woke the worker (an alarm, a closed tab, a
 * browser start), whichever comes first.
 *
 * Contract: only work is deferred, never a listener: every listener is still
 * registered synchronously at start (C1), so no event is lost. Each job runs
 * exactly once; a failing job is logged and does not stop the others. The
 * redirect rules (A14) are not such work: background.ts installs them at once.
 */

export interface StartupJobsOptions {
  /** How long to wait for a first answer before running the jobs anyway, in ms. */
  idleMs?: number;
  /** Diagnostics without secrets. */
  log?(message: string, error: unknown): void;
}

export interface StartupJobs {
  /** Runs `job` with the others (at once when they already ran). */
  add(job: () => unknown): void;
  /** The first answer went out: the jobs run now. */
  answered(): void;
}

/** Start-up jobs held back until the worker's first answer (see the module comment). */
export function createStartupJobs(options: StartupJobsOptions = {}): StartupJobs {
  const log = options.log ?? ((message, error) => console.error(`Portal Launcher: ${message}`, error));
  const waiting: Array<() => unknown> = [];
  let started = false;
  const run = (job: () => unknown) =>
    void Promise.resolve()
      .then(job)
      .catch((error: unknown) => log('a start-up job failed.', error));
  const start = () => {
    if (started) return;
    started = true;
    clearTimeout(timer);
    for (const job of waiting.splice(0)) run(job);
  };
  const timer = setTimeout(start, options.idleMs ?? 250);
  return {
    add(job) {
      if (started) run(job);
      else waiting.push(job);
    },
    answered: start,
  };
}
