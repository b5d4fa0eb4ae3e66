/**
 * Client for the portal API (`/api/v1`, DESIGN.md "Portal API").
 *
 * Contract (C4): an expired or rejected access token gets exactly one refresh
 * and one retry; an RFC 9470 challenge becomes {@link StepUpRequiredError}
 * (the caller runs the step-up and retries once); nothing retries without
 * bound. Every request times out (C3). Every body is validated with the shared
 * zod schemas (C8). Only the background uses this module: it sees tokens.
 */
import * as oauth from 'oauth4webapi';
import * as z from 'zod/mini';
import { API_BASE_PATH } from '../../contract/constants.ts';
import type { ProblemCode } from '../../contract/problems.ts';
import {
  type AppsResponse,
  appSchema,
  appsResponseSchema,
  type LaunchResponse,
  launchResponseSchema,
  lenientAppsResponseSchema,
  type Me,
  meSchema,
  type Problem,
  problemSchema,
} from '../../contract/schemas.ts';
import { type StepUpRequirement, stepUpChallenge } from '../auth/step-up.ts';
import { CodedError, type CodedErrorOptions } from '../errors.ts';
import { uiLocale } from '../i18n.ts';
import { acceptLanguage, parseContentLanguage } from './language.ts';

/**
 * How a portal API call failed, as the launcher classifies it (the portal's
 * own code, when it sent a problem, is `problem.code`).
 */
export type PortalApiErrorCode =
  /** 404 and similar: the thing asked for does not exist for this user (the portal's own code for it). */
  | Extract<ProblemCode, 'not_found'>
  /** The portal refused the access token even after a refresh. */
  | 'unauthorized'
  /** 403 */
  | 'forbidden'
  /** Network failure or timeout. */
  | 'network'
  /** The portal answered something that does not match the contract. */
  | 'invalid_response'
  /** Any other problem answer; `problem.code` has the portal's own code. */
  | 'portal_error';

/**
 * A portal API failure. The response problem (RFC 9457) is kept, non-enumerable;
 * `lang` is the language of its words (`Content-Language`), `undefined` when
 * the portal did not say.
 */
export class PortalApiError extends CodedError<PortalApiErrorCode> {
  override readonly name = 'PortalApiError';
  readonly status: number | null;
  readonly lang: string | undefined;
  declare readonly problem: Problem | null;

  constructor(
    code: PortalApiErrorCode,
    message: string,
    options: { status?: number | null; problem?: Problem | null; lang?: string } & CodedErrorOptions = {},
  ) {
    super(code, message, options);
    this.status = options.status ?? null;
    this.lang = options.lang;
    this.hide('problem', options.problem ?? null);
  }
}

/** The resource demands a fresher or stronger authentication (RFC 9470). */
export class StepUpRequiredError extends CodedError<'step_up_required'> {
  override readonly name = 'StepUpRequiredError';
  readonly requirement: StepUpRequirement;

  constructor(requirement: StepUpRequirement) {
    super('step_up_required', 'This needs a fresh verification with your second factor.');
    this.requirement = requirement;
  }
}

export interface PortalApiOptions {
  issuer: string;
  /** A valid access token (the session refreshes it when expired). */
  getAccessToken(): Promise<string>;
  /** Forces a refresh after the portal rejected a token; single-flight in the session (C2). */
  refreshAccessToken(): Promise<string>;
  fetch?: typeof fetch;
  /** Default 15 s; C3 wants every request under 30 s. */
  timeoutMs?: number;
  /** Told how many malformed entries `getApps` left out (for the log; the rest is used). */
  onDroppedApps?(count: number): void;
  /**
   * The person's UI language (a BCP 47 tag), asked for in `Accept-Language`;
   * read per request, so a language chosen in Settings applies at once.
   * Default: the launcher's UI language (utils/i18n.ts).
   */
  language?(): string;
}

/**
 * Creates the API client for one portal.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1 (invalid_token)
 * @see https://www.rfc-editor.org/rfc/rfc9470#section-3 (insufficient_user_authentication)
 * @see https://www.rfc-editor.org/rfc/rfc9457 (problem details)
 */
export function createPortalApi(options: PortalApiOptions) {
  const base = `${new URL(options.issuer).origin}${API_BASE_PATH}`;
  const insecure = new URL(options.issuer).protocol === 'http:';
  const timeoutMs = options.timeoutMs ?? 15_000;
  const language = options.language ?? uiLocale;
  const injected = options.fetch;
  const customFetch = injected
    ? (url: string, init: { body?: unknown }) => injected(url, init as RequestInit)
    : undefined;

  /** Sends one request; a `WWW-Authenticate` challenge comes back parsed (oauth4webapi's parser). */
  async function send(
    accessToken: string,
    method: string,
    path: string,
    body?: unknown,
    signal: AbortSignal = AbortSignal.timeout(timeoutMs),
    accept = 'application/json',
  ): Promise<{ response: Response; challenges: oauth.WWWAuthenticateChallenge[] }> {
    // RFC 9110 §12.5.4: the portal may word its problems in the person's language.
    const headers = new Headers({
      accept,
      'accept-language': acceptLanguage(language()),
    });
    if (body !== undefined) headers.set('content-type', 'application/json');
    try {
      const response = await oauth.protectedResourceRequest(
        accessToken,
        method,
        new URL(`${base}${path}`),
        headers,
        body === undefined ? null : JSON.stringify(body),
        {
          signal,
          ...(customFetch ? { [oauth.customFetch]: customFetch } : {}),
          ...(insecure ? { [oauth.allowInsecureRequests]: true } : {}),
        },
      );
      return { response, challenges: [] };
    } catch (error) {
      if (error instanceof oauth.WWWAuthenticateChallengeError) {
        return { response: error.response, challenges: error.cause };
      }
      throw new PortalApiError('network', 'The portal did not answer. Check your connection and try again.', {
        cause: error,
      });
    }
  }

  async function request<T>(
    method: string,
    path: string,
    schema: z.core.$ZodType<T>,
    body?: unknown,
  ): Promise<T> {
    let { response, challenges } = await send(await options.getAccessToken(), method, path, body);
    if (response.status === 401) {
      const stepUp = stepUpChallenge(challenges);
      if (stepUp) throw new StepUpRequiredError(stepUp);
      // C4: one refresh, one retry. A second 401 is final.
      ({ response, challenges } = await send(await options.refreshAccessToken(), method, path, body));
      if (response.status === 401) {
        const again = stepUpChallenge(challenges);
        if (again) throw new StepUpRequiredError(again);
        throw new PortalApiError(
          'unauthorized',
          'The portal no longer accepts your session. Sign in again.',
          {
            status: 401,
          },
        );
      }
    }
    if (!response.ok) throw await problemError(response);
    let json: unknown;
    try {
      // 204 No Content has no body to read; the caller's schema says whether that is expected.
      json = response.status === 204 ? undefined : await response.json();
    } catch (error) {
      throw new PortalApiError('invalid_response', 'The portal sent an unreadable answer.', {
        status: response.status,
        cause: error,
      });
    }
    const parsed = z.safeParse(schema, json);
    if (!parsed.success) {
      throw new PortalApiError(
        'invalid_response',
        'The portal sent an answer Portal Launcher does not understand.',
        {
          status: response.status,
          cause: parsed.error,
        },
      );
    }
    return parsed.data;
  }

  /**
   * Opens a server-sent events stream (`GET /me/push/stream`, issue 13) and
   * answers its body once the headers arrived. The same token rules as
   * {@link request} (one refresh and one retry on 401, C4); the timeout (C3)
   * covers only the wait for the headers, because the body is meant to stay
   * open; `signal` ends it.
   */
  async function stream(path: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const open = async (accessToken: string) => {
      const headersArrived = new AbortController();
      const timer = setTimeout(() => headersArrived.abort(new Error('timeout')), timeoutMs);
      try {
        return await send(
          accessToken,
          'GET',
          path,
          undefined,
          AbortSignal.any([signal, headersArrived.signal]),
          'text/event-stream',
        );
      } finally {
        clearTimeout(timer);
      }
    };
    let { response } = await open(await options.getAccessToken());
    if (response.status === 401) {
      await response.body?.cancel().catch(() => undefined);
      ({ response } = await open(await options.refreshAccessToken()));
      if (response.status === 401) {
        throw new PortalApiError(
          'unauthorized',
          'The portal no longer accepts your session. Sign in again.',
          {
            status: 401,
          },
        );
      }
    }
    if (!response.ok) throw await problemError(response);
    if (!response.body || !response.headers.get('content-type')?.startsWith('text/event-stream')) {
      await response.body?.cancel().catch(() => undefined);
      throw new PortalApiError('invalid_response', 'The portal sent no event stream.', {
        status: response.status,
      });
    }
    return response.body;
  }

  return {
    /** Any API call, for the account endpoints in utils/portal/account-api.ts. */
    request,
    stream,
    /**
     * `GET /me/apps`. One malformed entry (say, an id with a space from a
     * third-party portal) costs only that app, not the whole list (C8): the
     * rest is kept and the drop reported through `onDroppedApps`.
     */
    async getApps(): Promise<AppsResponse> {
      const raw = await request('GET', '/me/apps', lenientAppsResponseSchema);
      const apps: AppsResponse['apps'] = [];
      for (const entry of raw.apps) {
        const parsed = appSchema.safeParse(entry);
        if (parsed.success) apps.push(parsed.data);
      }
      if (apps.length < raw.apps.length) options.onDroppedApps?.(raw.apps.length - apps.length);
      return appsResponseSchema.parse({ apps });
    },
    /** `GET /me` */
    getMe(): Promise<Me> {
      return request('GET', '/me', meSchema);
    },
    /** `POST /apps/{id}/launch`: a one-time SSO URL (A9: the URL comes from here, never from a message). */
    launch(appId: string): Promise<LaunchResponse> {
      return request('POST', `/apps/${encodeURIComponent(appId)}/launch`, launchResponseSchema, {});
    },
  };
}

export type PortalApi = ReturnType<typeof createPortalApi>;

async function problemError(response: Response): Promise<PortalApiError> {
  let problem: Problem | null = null;
  try {
    const parsed = problemSchema.safeParse(await response.json());
    if (parsed.success) problem = parsed.data;
  } catch {
    // Not JSON: fall back to the status.
  }
  const code: PortalApiErrorCode =
    response.status === 404 ? 'not_found' : response.status === 403 ? 'forbidden' : 'portal_error';
  const message =
    problem?.detail ??
    problem?.title ??
    `The portal answered ${response.status}. Try again, or contact your administrator.`;
  // The portal's words only: our own fallback sentence above is English whatever the header says.
  const lang = problem ? parseContentLanguage(response.headers.get('content-language')) : undefined;
  return new PortalApiError(code, message, { status: response.status, problem, ...(lang ? { lang } : {}) });
}
