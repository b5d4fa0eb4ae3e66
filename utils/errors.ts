/**
 * The base of every error class the extension throws (CONVENTIONS.md
 * "Errors", after oauth4webapi's coded errors): a `name`, a `code` from the
 * subclass's closed union that the UI branches on, and `cause` for the
 * underlying failure. Large fields (a response, a problem body) are kept
 * non-enumerable so logs and serialisation stay small.
 *
 * Contract: code that needs an error's code asks {@link isCodedError} (or
 * `instanceof` the subclass), never `(error as { code? }).code`. The message
 * channel (utils/messaging.ts) sends `{ name, code, message }` of a coded
 * error and `internal` for anything else.
 */

/** Options of {@link CodedError}. */
export interface CodedErrorOptions {
  /** The failure this one reports (a library error, a fetch failure). */
  cause?: unknown;
  /**
   * Values the code's message shows (an `acr` value, a number of seconds),
   * in the order of its placeholders: pages word the code in their language
   * and fill these in.
   */
  params?: readonly string[];
}

/** An expected failure with a machine-readable `code` from a closed set. */
export abstract class CodedError<Code extends string = string> extends Error {
  abstract override readonly name: string;
  readonly code: Code;
  /** See {@link CodedErrorOptions.params}; empty when the message has no values. */
  readonly params: readonly string[];

  constructor(code: Code, message: string, options: CodedErrorOptions = {}) {
    // No `cause` property at all when there is none (not an own `cause: undefined`).
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.params = options.params ?? [];
  }

  /** Sets `key` as a read-only, non-enumerable property: large values stay out of logs and JSON. */
  protected hide<K extends keyof this>(key: K, value: this[K]): void {
    Object.defineProperty(this, key, { value, enumerable: false, writable: false, configurable: true });
  }
}

/**
 * Whether `error` is one of the extension's coded errors, optionally with
 * one of the given codes.
 */
export function isCodedError(error: unknown, ...codes: readonly string[]): error is CodedError {
  return error instanceof CodedError && (codes.length === 0 || codes.includes(error.code));
}
