/**
 * Request bodies of the portal and its pages, read with `co-body` (size
 * limits, Content-Length checks, aborted requests) and then validated with
 * the shared zod schema (C8).
 *
 * Contract: every failure is an {@link ApiProblem}, never an exception that
 * becomes a 500: 400 malformed JSON or a request the client abandoned
 * mid-body (B21), 413 too large, 415 not JSON / not a form, 422 schema
 * violations. What stays home-made here, and why: the media-type check
 * (`co-body`'s `json`/`form` parse whatever they get), the mapping of the
 * library's errors to problems, and the refusal of text that was not UTF-8
 * (`co-body` decodes lossily, replacing bad bytes with U+FFFD, which would
 * silently change what the person sent).
 */
import type { IncomingMessage } from 'node:http';
import parse from 'co-body';
import type * as z from 'zod/mini';
import { ApiProblem, validationProblem } from './problem.ts';

/** Largest accepted request body (bytes). The biggest legitimate body is an RSA SSH key. */
export const MAX_BODY_BYTES = 64 * 1024;

/** What `co-body` accepts beyond its published types (both are documented options). */
interface CoBodyOptions extends parse.Options {
  /** `error` | `remove` | `ignore` for `__proto__` keys (JSON only). */
  onProtoPoisoning?: 'error' | 'remove' | 'ignore';
  /** The query-string parser for forms. */
  qs?: { parse: (text: string) => unknown };
}

/** Forms are read as `URLSearchParams`, exactly as the pages' handlers expect (no nested objects). */
const FORM_PARSER = { parse: (text: string) => new URLSearchParams(text) };

const JSON_TYPES = /^application\/(json|[a-z0-9.+-]+\+json)$/;

function mediaTypeOf(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Reads the whole body of a JSON request, at most `limit` bytes. Only an
 * object or an array is accepted at the top level (strict JSON).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-8.1 RFC 8259 §8.1 (JSON text is UTF-8)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14 RFC 9110 §15.5.14 (413 Content Too Large)
 */
export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  if (!JSON_TYPES.test(mediaTypeOf(req))) {
    throw new ApiProblem(415, 'unsupported_media_type', 'Unsupported media type', {
      detail: 'Send the request body as JSON with "Content-Type: application/json".',
    });
  }
  let result: { parsed: unknown; raw: string };
  try {
    const options: CoBodyOptions = {
      limit,
      strict: true,
      returnRawBody: true,
      // `__proto__` keys are dropped rather than refused: the schema then judges what is left (422).
      onProtoPoisoning: 'remove',
    };
    result = await parse.json(req, options);
  } catch (error) {
    throw bodyProblem(
      req,
      error,
      limit,
      'The request body is not valid JSON. Check for a missing quote or comma.',
    );
  }
  // Strict mode turns an empty body into `{}`; an empty PATCH is a client bug worth naming.
  if (result.raw.trim() === '') throw malformed('The request body is empty; send a JSON object.');
  if (result.raw.includes('\uFFFD')) throw malformed('The request body is not valid UTF-8.');
  return result.parsed;
}

/**
 * Reads an `application/x-www-form-urlencoded` body (the sign-in and reset
 * pages' forms), at most `limit` bytes.
 *
 * @see https://url.spec.whatwg.org/#application/x-www-form-urlencoded URL standard, form encoding
 */
export async function readFormBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<URLSearchParams> {
  if (mediaTypeOf(req) !== 'application/x-www-form-urlencoded') {
    throw new ApiProblem(415, 'unsupported_media_type', 'Unsupported media type', {
      detail: 'Submit the form from the portal page.',
    });
  }
  try {
    const options: CoBodyOptions = { limit, qs: FORM_PARSER };
    return (await parse.form(req, options)) as URLSearchParams;
  } catch (error) {
    throw bodyProblem(req, error, limit, 'The form could not be read. Open the page again.');
  }
}

/** Validates a parsed body with a shared schema; a mismatch is a 422 with field errors. */
export function parseBody<S extends z.ZodMiniType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationProblem(result.error);
  return result.data;
}

/**
 * True for the errors of a request whose client went away mid-request
 * (`raw-body`'s `request.aborted`, the socket reset or closed under it, the
 * HTTP parser meeting the end of a half-sent request): nothing to answer,
 * nothing wrong with the portal (B21).
 */
export function isClientGone(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { type, code } = error as Error & { type?: unknown; code?: unknown };
  return (
    type === 'request.aborted' ||
    code === 'ECONNRESET' ||
    code === 'ECONNABORTED' ||
    code === 'EPIPE' ||
    // Node's HTTP parser on a connection that ended mid-request ("Parse Error").
    (typeof code === 'string' && code.startsWith('HPE_'))
  );
}

/** Maps what `co-body` (via `raw-body` and `inflation`) throws to a problem. */
function bodyProblem(req: IncomingMessage, error: unknown, limit: number, syntaxDetail: string): unknown {
  if (error instanceof ApiProblem) return error;
  // A request destroyed before its body was read fails as "stream is not readable" (a 500 in
  // `raw-body`'s terms): the client went away all the same. (A fully read request is
  // destroyed too once read, hence `complete`.)
  if (isClientGone(error) || (req.destroyed && !req.complete)) {
    return new ApiProblem(400, 'bad_request', 'Request incomplete', {
      detail: 'The request body ended before it was complete. Send it again.',
      cause: error,
    });
  }
  const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
  if (type === 'entity.too.large') return tooLarge(limit, error);
  if (status === 415) {
    // An unknown Content-Encoding or charset.
    return new ApiProblem(415, 'unsupported_media_type', 'Unsupported media type', {
      detail: 'Send the request body as plain UTF-8, without a Content-Encoding.',
      cause: error,
    });
  }
  if (error instanceof SyntaxError) return malformed(syntaxDetail, error);
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // e.g. `request.size.invalid`: the body did not match its Content-Length.
    return new ApiProblem(400, 'bad_request', 'Request body not readable', {
      detail: 'The request body did not match its declared length. Send it again.',
      cause: error,
    });
  }
  // Anything else is a bug on our side: it stays an error (logged, 500).
  return error;
}

function tooLarge(limit: number, cause: unknown): ApiProblem {
  return new ApiProblem(413, 'payload_too_large', 'Request body too large', {
    detail: `The request body is larger than ${Math.round(limit / 1024)} KB. Send less data.`,
    // The rest of an oversized body is not read; closing is the only safe way to end the exchange.
    headers: { Connection: 'close' },
    cause,
  });
}

function malformed(detail: string, cause?: unknown): ApiProblem {
  return new ApiProblem(400, 'malformed_json', 'Malformed JSON', { detail, cause });
}
