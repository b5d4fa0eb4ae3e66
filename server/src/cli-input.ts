/**
 * Reading and checking the admin CLI's arguments: wrong usage becomes a
 * {@link UsageError} whose message says what to type instead.
 */
import { networkUrlProblem, parseUrl } from '../../contract/addresses.ts';
import { appSchema } from '../../contract/schemas.ts';

/** Thrown for wrong usage; the message says what to type instead. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly code = 'usage';
}

/** `value`, or a usage error naming what is missing. */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === '')
    throw new UsageError(`Missing ${what}. Run with --help for usage.`);
  return value;
}

/**
 * The value of `--details-url`, checked by the contract's rule for the
 * catalog (`appSchema.detailsUrl`: https, or http on loopback; no credentials).
 */
export function detailsUrlFrom(value: string): string {
  const url = parseUrl(value);
  const problem = url ? networkUrlProblem(url) : 'must be an absolute URL (https://…).';
  if (problem || !appSchema.shape.detailsUrl.safeParse(value).success) {
    throw new UsageError(`--details-url "${value}" ${problem ?? 'is too long (at most 2048 characters).'}`);
  }
  return value;
}

/**
 * The password of `--password P`, or with `--password -` the first line of
 * `stdin`, so it stays out of the shell history and the process list.
 */
export async function passwordFrom(value: string | undefined, stdin: NodeJS.ReadableStream): Promise<string> {
  const given = required(value, '--password (or --password - to read it from standard input)');
  if (given !== '-') return given;
  let text = '';
  for await (const chunk of stdin) {
    text += chunk.toString();
    if (text.includes('\n')) break;
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  if (!line) throw new UsageError('No password arrived on standard input (--password -).');
  return line;
}

/** The value of `--mfa-max-age` (whole seconds), or null when not given. */
export function mfaMaxAgeFrom(value: string | undefined): number | null {
  if (value === undefined) return null;
  const seconds = Number(value);
  if (!(Number.isInteger(seconds) && seconds >= 0))
    throw new UsageError('--mfa-max-age takes a number of seconds.');
  return seconds;
}
