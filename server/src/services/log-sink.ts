/**
 * The portal's default log sink: lines to stdout, buffered.
 *
 * Every audit event (B17) is also a log line, and `console.log` writes each
 * one at once — synchronously when stdout is a file or a terminal — on the
 * request's own path. Here a line is queued and the queue goes out in one
 * write after the current turn of the event loop (or at once when it holds
 * {@link BufferedLogOptions.maxBytes}, so memory stays bounded).
 *
 * Contract: lines keep their order; {@link BufferedLog.flush} writes what is
 * queued and resolves once the stream has taken it, so `close()` of the
 * portal (called on SIGINT/SIGTERM) loses no event.
 */

/** Options of {@link createBufferedLog}. */
export interface BufferedLogOptions {
  /** Queue size (bytes, roughly) that triggers an immediate write. */
  maxBytes?: number;
}

/** A buffered line sink. */
export interface BufferedLog {
  /** Queues one line (a newline is added). */
  log: (line: string) => void;
  /** Writes everything queued; resolves when the stream has accepted it. */
  flush: () => Promise<void>;
}

/** Creates a buffered sink over `stream` (stdout by default). */
export function createBufferedLog(
  stream: NodeJS.WritableStream = process.stdout,
  options: BufferedLogOptions = {},
): BufferedLog {
  const maxBytes = options.maxBytes ?? 64 * 1024;
  let queued: string[] = [];
  let queuedBytes = 0;
  let scheduled: NodeJS.Immediate | undefined;

  const writeQueued = (done?: () => void) => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (queued.length === 0) {
      done?.();
      return;
    }
    const chunk = `${queued.join('\n')}\n`;
    queued = [];
    queuedBytes = 0;
    stream.write(chunk, () => done?.());
  };

  return {
    log(line) {
      queued.push(line);
      queuedBytes += line.length + 1;
      if (queuedBytes >= maxBytes) writeQueued();
      // unref: a queued line must not keep a finished process alive; close() flushes.
      else scheduled ??= setImmediate(() => writeQueued()).unref();
    },
    flush: () => new Promise<void>((resolve) => writeQueued(resolve)),
  };
}
