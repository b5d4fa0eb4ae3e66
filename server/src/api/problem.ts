/**
 * Errors of the portal API, rendered as RFC 9457 problem details.
 *
 * Contract: route handlers and services throw {@link ApiProblem} for every
 * expected failure (bad input, missing token, step-up needed, conflict). The
 * API middleware (`index.ts`) turns it into an `application/problem+json`
 * answer validated by `problemSchema`. Anything else that escapes a handler is
 * a bug: it is logged and answered as a generic 500 problem that reveals
 * nothing about the failure.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9457 RFC 9457 (Problem Details for HTTP APIs)
 */
import type { z } from 'zod';
import type { ProblemCode } from '../../../contract/problems.ts';
import type { PasswordViolation, Problem } from '../../../contract/schemas.ts';

/**
 * Machine-readable problem codes the extension branches on (`Problem.code`):
 * the shared list in contract/problems.ts, so a code the portal sends is a
 * code the extension knows of.
 */
export type ApiProblemCode = ProblemCode;

/** Options of {@link ApiProblem}. */
export interface ApiProblemOptions {
  detail?: string;
  /** Field name → message, for 422 validation failures. */
  errors?: Record<string, string>;
  /** `password_policy`: the rules broken, each with its sentence (the `violations` and `rules` members). */
  violations?: readonly PasswordViolation[];
  /** Extra response headers (`WWW-Authenticate`, `Allow`, …). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * An expected API failure with its HTTP status and a `code` the UI can branch
 * on. `title` is a short, stable summary; `detail` says what happened and what
 * to do.
 */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  readonly status: number;
  readonly code: ApiProblemCode;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: Record<string, string> | undefined;
  readonly violations: readonly PasswordViolation[] | undefined;
  readonly headers: Record<string, string>;
  /** Koa's flag (as `http-errors` sets it): a 4xx thrown outside the API is answered, not logged as a crash. */
  readonly expose: boolean;

  constructor(status: number, code: ApiProblemCode, title: string, options: ApiProblemOptions = {}) {
    super(options.detail ?? title, { cause: options.cause });
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = options.detail;
    this.errors = options.errors;
    this.violations = options.violations;
    this.headers = options.headers ?? {};
    this.expose = status < 500;
  }

  /** The RFC 9457 body, cut to the sizes `problemSchema` allows. */
  toProblem(): Problem {
    const errors = this.errors
      ? Object.fromEntries(
          Object.entries(this.errors).map(([field, message]) => [field.slice(0, 100), message.slice(0, 500)]),
        )
      : undefined;
    // `rules` too, for launchers that predate `violations`.
    const violations = this.violations?.slice(0, 10).map((violation) => ({
      rule: violation.rule.slice(0, 40),
      message: violation.message.slice(0, 500),
    }));
    return {
      type: 'about:blank',
      title: this.title.slice(0, 500),
      status: this.status,
      code: this.code,
      ...(this.detail ? { detail: this.detail.slice(0, 2000) } : {}),
      ...(errors ? { errors } : {}),
      ...(violations ? { rules: violations.map((violation) => violation.rule), violations } : {}),
    };
  }
}

/** 404 in the one wording every "no such thing for you" case shares (no existence oracle). */
export function notFound(what: string): ApiProblem {
  return new ApiProblem(404, 'not_found', 'Not found', {
    detail: `${what} was not found. Refresh the list and try again.`,
  });
}

/**
 * 422 from a zod error, with one message per field (`errors`), so a form can
 * show each message next to its input. Nested paths are joined with dots;
 * problems about the whole body use the key `_`.
 */
export function validationProblem(
  error: z.core.$ZodError,
  detail = 'Some fields are not valid.',
): ApiProblem {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.map(String).join('.').slice(0, 100) : '_';
    // Keep the first message per field: it is the most basic one (type before format).
    errors[key] ??= issue.message.slice(0, 500);
  }
  return new ApiProblem(422, 'validation_failed', 'Validation failed', { detail, errors });
}
