/**
 * Request bodies of the portal API: JSON only, bounded in size, decoded
 * strictly, then validated with the shared zod schema (C8).
 *
 * Every failure is an {@link ApiProblem} (400 malformed JSON, 413 too large,
 * 415 not JSON, 422 schema violations), never an exception that becomes a 500.
 */
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { ApiProblem, validationProblem } from './problem.ts';

/** Largest accepted request body (bytes). The biggest legitimate body is an RSA SSH key. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads the whole body of a JSON request, at most `limit` bytes.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-8.1 RFC 8259 §8.1 (JSON text is UTF-8)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14 RFC 9110 §15.5.14 (413 Content Too Large)
 */
export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(mediaType)) {
    throw new ApiProblem(415, 'unsupported_media_type', 'Unsupported media type', {
      detail: 'Send the request body as JSON with "Content-Type: application/json".',
    });
  }
  const text = await readBodyText(req, limit);
  if (text.trim() === '') throw malformed('The request body is empty; send a JSON object.');
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw malformed('The request body is not valid JSON. Check for a missing quote or comma.', cause);
  }
}

/**
 * Reads an `application/x-www-form-urlencoded` body (the reset page's forms),
 * at most `limit` bytes.
 *
 * @see https://url.spec.whatwg.org/#application/x-www-form-urlencoded URL standard, form encoding
 */
export async function readFormBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<URLSearchParams> {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType !== 'application/x-www-form-urlencoded') {
    throw new ApiProblem(415, 'unsupported_media_type', 'Unsupported media type', {
      detail: 'Submit the form from the portal page.',
    });
  }
  return new URLSearchParams(await readBodyText(req, limit));
}

/** Reads a body as strict UTF-8, refusing more than `limit` bytes (declared or actual). */
async function readBodyText(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    // A chunked body has no declared length: stop as soon as it passes the limit
    // instead of buffering whatever the client keeps sending.
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch (cause) {
    throw malformed('The request body is not valid UTF-8.', cause);
  }
}

/** Validates a parsed body with a shared schema; a mismatch is a 422 with field errors. */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationProblem(result.error);
  return result.data;
}

function tooLarge(limit: number): ApiProblem {
  return new ApiProblem(413, 'payload_too_large', 'Request body too large', {
    detail: `The request body is larger than ${Math.round(limit / 1024)} KB. Send less data.`,
    // The rest of an oversized body is not read; closing is the only safe way to end the exchange.
    headers: { Connection: 'close' },
  });
}

function malformed(detail: string, cause?: unknown): ApiProblem {
  return new ApiProblem(400, 'malformed_json', 'Malformed JSON', { detail, cause });
}
