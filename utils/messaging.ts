/**
 * The one typed message protocol between the extension's pages (popup, auth
 * page, options) and the background (CONVENTIONS.md "One typed message
 * protocol").
 *
 * Contract:
 * - Names are verbs; each maps to a zod request and response schema.
 * - The receiver validates the request, and checks the sender is this
 *   extension's own page (A6). Nothing listens on `onMessageExternal`, and the
 *   extension has no content scripts.
 * - Errors travel as `{ name, code, message }` and are rethrown on the caller
 *   as `MessageError` with the same `code`, the original as `cause`.
 * - Pages send with `sendMessage` of utils/messaging-client.ts (no zod, so
 *   the popup stays small); the wire format is utils/message-channel.ts.
 * - Responses never carry tokens (A5): the schemas below have no field for one.
 */
import type { Browser, browser } from 'wxt/browser';
import * as z from 'zod/mini';
import { lazy, lazyEach } from '../contract/lazy.ts';
import { appIdSchema, appSchema } from '../contract/schemas.ts';
import { accountProtocol } from './account/protocol.ts';
import { isCodedError } from './errors.ts';
import {
  isMessageEnvelope,
  MAX_ERROR_PARAM_LENGTH,
  MAX_ERROR_PARAMS,
  type MessageReply,
} from './message-channel.ts';
import { pushProtocol } from './push/protocol.ts';
import { launchNoticeSchema } from './storage.ts';
// A8 (no JIT under the MV3 CSP) and zod's English messages for the errors below.
import './zod-config.ts';

/** The channel's error, thrown by the pages' client (utils/messaging-client.ts) and by handlers. */
export { MessageError } from './message-channel.ts';

const problemSchema = lazy(() =>
  z.object({ code: z.string().check(z.maxLength(100)), message: z.string().check(z.maxLength(1000)) }),
);

/** The launcher's per-person preferences as the popup sees them (utils/catalog/prefs owns the stored form). */
export const launcherPrefsSchema = lazy(() =>
  z.object({
    favorites: z.array(appIdSchema).check(z.maxLength(100)),
    recents: z.array(appIdSchema).check(z.maxLength(5)),
    view: z.enum(['grid', 'list']),
  }),
);
export type LauncherPrefsWire = z.infer<typeof launcherPrefsSchema>;

/** Everything the popup renders, in one answer. */
export const launcherStateSchema = lazy(() =>
  z.object({
    status: z.enum(['unconfigured', 'signedOut', 'signedIn']),
    portalUrl: z.nullable(z.string()),
    /** True when the admin set the portal address (managed policy): the popup cannot change it. */
    portalUrlForced: z.boolean(),
    /** True when the admin's policy set a portal address that was refused as invalid (A11). */
    portalUrlRefused: z.optional(z.boolean()),
    user: z.nullable(
      z.object({
        name: z.string().check(z.maxLength(200)),
        email: z.nullable(z.string().check(z.maxLength(254))),
        initials: z.string().check(z.maxLength(4)),
        jobTitle: z.optional(z.nullable(z.string().check(z.maxLength(200)))),
      }),
    ),
    apps: z.nullable(z.array(appSchema).check(z.maxLength(10_000))),
    /** Why `apps` could not be refreshed (the cached list, if any, is still shown). */
    appsProblem: z.nullable(problemSchema),
    /** The last launch's outcome, as stored (utils/storage.ts): the popup shows it once. */
    notice: z.nullable(launchNoticeSchema),
    /** Signed out because the portal ended the session (not by the user): the popup says so. */
    sessionEnded: z.optional(z.boolean()),
    /**
     * What the signed-in provider can do. `portalApi: false`: a plain OpenID
     * provider (apps from policy, read-only profile from its claims), so pages
     * hide profile editing, password, MFA, SSH keys, downloads and sessions.
     * Absent while signed out (not known yet).
     */
    capabilities: z.optional(z.object({ portalApi: z.boolean() })),
    /**
     * A digest of `apps` (utils/catalog/catalog-delta.ts): the popup keeps what it shows when an
     * answer carries the catalog it already has, instead of rendering all tiles again (issue 15).
     */
    catalogVersion: z.optional(z.string().check(z.maxLength(100))),
    /**
     * Sent instead of `apps` (then null) to a page that said which catalog it holds (`getState`'s
     * `catalogVersion`): what changed from that one (`base`) to this one, so the catalog and its icons
     * do not cross the message channel again (utils/catalog/catalog-delta.ts, issue 15). `order`: every
     * app id in order, null when the ids and their order are the base's; `changed`: the apps that are
     * new or differ. Nothing changed: no `changed` apps and `order` null.
     */
    catalogDelta: z.optional(
      z.object({
        base: z.string().check(z.maxLength(100)),
        order: z.nullable(z.array(appIdSchema).check(z.maxLength(10_000))),
        changed: z.array(appSchema).check(z.maxLength(10_000)),
      }),
    ),
    /** What the launcher view needs from policy and the session (no tokens, A5). */
    launcher: z.optional(
      z.object({
        brandName: z.string().check(z.maxLength(100)),
        brandColor: z.nullable(z.string().check(z.maxLength(20))),
        /** Policy `pinnedApps`: shown first, not unpinnable. */
        pinnedApps: z.array(z.string().check(z.maxLength(100))).check(z.maxLength(100)),
        /** Epoch seconds of the session's last proven second factor (`auth_time` with the MFA `acr`), or null. */
        mfaAuthTime: z.nullable(z.int()),
        stepUpMaxAgeSeconds: z.int().check(z.gte(0)),
        appStepUpMaxAge: z.record(z.string().check(z.maxLength(100)), z.int().check(z.gte(0))),
        /** The signed-in person's favorites, recents and layout (kept per issuer + subject). */
        prefs: launcherPrefsSchema,
        /** Policy or user `language` (BCP 47), or null to follow the browser. */
        language: z.nullable(z.string().check(z.maxLength(35))),
        /** The Settings theme (`system` follows the browser), so the popup matches the options page. */
        theme: z.optional(z.enum(['system', 'light', 'dark'])),
        /**
         * Who the popup's first-screen snapshot belongs to (a digest of issuer and subject, never shown):
         * the popup stores its first screen under it and paints it only when its own address names the
         * same owner (utils/catalog/first-screen.ts).
         */
        owner: z.optional(z.string().check(z.maxLength(100))),
      }),
    ),
  }),
);
export type LauncherState = z.infer<typeof launcherStateSchema>;

export const launchResultSchema = lazy(() =>
  z.object({
    outcome: z.enum(['opened', 'cancelled']),
    appId: appIdSchema,
  }),
);
export type LaunchResult = z.infer<typeof launchResultSchema>;

const empty = lazy(() => z.strictObject({}));

/**
 * A step-up for an app that did not succeed, for the step-up tab's "Try again" page
 * (utils/launcher/step-up-failure.ts). `code` and `message` are the reason, whatever it is.
 */
const stepUpFailureSchema = lazy(() =>
  z.object({
    code: z.string().check(z.maxLength(64)),
    message: z.string().check(z.maxLength(500)),
    /** The code's message placeholders (a refused step-up names the `acr` it got and the one required). */
    params: z.optional(z.array(z.string().check(z.maxLength(200))).check(z.maxLength(4))),
    appId: appIdSchema,
    appName: z.string().check(z.maxLength(200)),
    /** Whom to contact (policy `adminContact` or the portal's); null hides the link. */
    contact: z.nullable(
      z.object({
        kind: z.enum(['url', 'email']),
        href: z.string().check(z.maxLength(2100), z.regex(/^(https?:|mailto:)/)),
        text: z.string().check(z.maxLength(2048)),
      }),
    ),
  }),
);
export type StepUpFailureWire = z.infer<typeof stepUpFailureSchema>;

/**
 * The protocol: verb-first names → request and response schemas, each verb's built on its first
 * message (contract/lazy.ts `lazyEach`): a woken worker builds only what it is asked (issue 15).
 */
export const protocol = {
  ...lazyEach({
    /** Popup: the state to render; `refresh` re-fetches apps and profile from the portal. */
    getState: () => ({
      request: z.strictObject({
        refresh: z.optional(z.boolean()),
        /** The catalog the page holds (its `catalogVersion`): the answer then carries a `catalogDelta`. */
        catalogVersion: z.optional(z.string().check(z.maxLength(100))),
      }),
      response: launcherStateSchema,
    }),
    /** Popup first run: the employee typed the portal address. */
    setPortalUrl: () => ({
      request: z.strictObject({ portalUrl: z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)) }),
      response: launcherStateSchema,
    }),
    /**
     * Popup first run: is the typed address an identity portal? Asked before `setPortalUrl`, from the
     * background (it holds the host permission); the outcome is a value, never an error
     * (utils/portal/probe.ts).
     */
    probePortal: () => ({
      request: z.strictObject({ portalUrl: z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)) }),
      response: z.discriminatedUnion('code', [
        z.object({ code: z.literal('ok'), issuer: z.string().check(z.maxLength(2000)) }),
        z.object({ code: z.enum(['invalid_address', 'https_required']) }),
        z.object({
          code: z.enum(['no_answer', 'unreadable', 'not_a_portal']),
          host: z.string().check(z.maxLength(300)),
        }),
      ]),
    }),
    /** Popup: open the sign-in tab; resolves once signed in. */
    signIn: () => ({ request: empty, response: launcherStateSchema }),
    /** Popup: revoke tokens, end the portal session, clear state. */
    signOut: () => ({ request: empty, response: launcherStateSchema }),
    /** Popup: open an app by id (A9), with step-up in a tab when needed. */
    launchApp: () => ({ request: z.strictObject({ appId: appIdSchema }), response: launchResultSchema }),
    /** Popup: pin, unpin or move a favorite, or choose the layout; answers the stored result. */
    changePrefs: () => ({
      request: z.discriminatedUnion('action', [
        z.strictObject({ action: z.enum(['pin', 'unpin']), appId: appIdSchema }),
        z.strictObject({
          action: z.literal('move'),
          appId: appIdSchema,
          toIndex: z.int().check(z.gte(0), z.lte(100)),
        }),
        z.strictObject({ action: z.literal('view'), view: z.enum(['grid', 'list']) }),
      ]),
      response: launcherPrefsSchema,
    }),
    /** Popup: the notice was shown; forget it. */
    dismissNotice: () => ({ request: empty, response: z.object({}) }),
    /** Auth page: the redirect it was loaded with (caught before the network, A14). */
    completeAuthorization: () => ({
      request: z.strictObject({ url: z.url().check(z.maxLength(8000)) }),
      response: z.object({
        kind: z.enum(['signIn', 'stepUp', 'signOut']),
        /** What the page should say while the background moves the tab on. */
        message: z.string().check(z.maxLength(500)),
        /** Set when a step-up for an app was denied or cancelled: the page offers Try again. */
        failure: z.optional(stepUpFailureSchema),
      }),
    }),
    /**
     * Auth page: Try again after a step-up for `appId` did not succeed: the step-up starts again in
     * the page's own tab, and the app opens there once it succeeds. Resolves once the tab moved on.
     */
    retryStepUp: () => ({ request: z.strictObject({ appId: appIdSchema }), response: z.object({}) }),
  }),
  /** Options page: the security centre's verbs (utils/account/protocol.ts). */
  ...accountProtocol,
  /** Options page and popup: push approvals (utils/push/protocol.ts). */
  ...pushProtocol,
};

export type Protocol = typeof protocol;
export type MessageName = keyof Protocol;
export type MessageRequest<N extends MessageName> = z.input<Protocol[N]['request']>;
export type MessageResponse<N extends MessageName> = z.output<Protocol[N]['response']>;

type Sender = Browser.runtime.MessageSender;
type Runtime = typeof browser.runtime;

/** Identity of this extension, for {@link isTrustedSender}. */
export interface OwnExtension {
  id: string;
  /** `runtime.getURL('/')`: `chrome-extension://<id>/` or `moz-extension://<uuid>/`. */
  baseUrl: string;
}

/**
 * A6: only this extension's own pages may talk to the background. Content scripts (none exist,
 * but a future one would have a web page's URL), other extensions and web pages are refused.
 */
export function isTrustedSender(sender: Sender | undefined, own: OwnExtension): boolean {
  if (!sender || sender.id !== own.id) return false;
  const pageUrl = sender.url;
  if (typeof pageUrl !== 'string') return false;
  const origin = schemeAndHost(pageUrl);
  if (origin === null || origin !== schemeAndHost(own.baseUrl)) return false;
  // Chrome also reports the origin separately; when present it must agree.
  if (sender.origin !== undefined && sender.origin !== origin) return false;
  return true;
}

/**
 * A10: true when `sender` is a whole tab's page, not a frame inside another
 * page. auth.html is web-accessible (the redirect lands there), so any site
 * may frame it; only the top-level page of a tab may finish an authorization
 * and have its tab navigated into an app.
 */
export function isTopLevelPage(sender: Pick<Sender, 'frameId' | 'tab'> | undefined): boolean {
  return sender?.tab !== undefined && sender.frameId === 0;
}

/**
 * `scheme://host` of a URL. Not `URL.origin`: for non-special schemes such as
 * `chrome-extension:` some runtimes answer the opaque origin "null", which
 * would make every extension look alike.
 */
function schemeAndHost(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : null;
  } catch {
    return null;
  }
}

export type Handlers = {
  [N in MessageName]: (
    request: z.output<Protocol[N]['request']>,
    sender: Sender,
  ) => Promise<MessageResponse<N>>;
};

/** What a handler's thrown error becomes on the wire. */
function serializeError(error: unknown): { name: string; code: string; message: string; params?: string[] } {
  if (error instanceof Error) {
    const params = isCodedError(error)
      ? error.params.slice(0, MAX_ERROR_PARAMS).map((param) => param.slice(0, MAX_ERROR_PARAM_LENGTH))
      : [];
    return {
      name: error.name,
      code: isCodedError(error) ? error.code : 'internal',
      message: error.message.slice(0, 2000),
      ...(params.length > 0 ? { params } : {}),
    };
  }
  return { name: 'Error', code: 'internal', message: 'Something went wrong in Portal Launcher. Try again.' };
}

/**
 * Handles one incoming runtime message. Returns undefined for messages that
 * are not ours (so other listeners may answer), otherwise the reply.
 */
export async function dispatchMessage(
  handlers: Handlers,
  message: unknown,
  sender: Sender | undefined,
  own: OwnExtension,
): Promise<MessageReply | undefined> {
  if (!isMessageEnvelope(message)) return undefined;
  if (!isTrustedSender(sender, own)) {
    return {
      ok: false,
      error: {
        name: 'MessageError',
        code: 'forbidden_sender',
        message: 'Refused: not sent by Portal Launcher.',
      },
    };
  }
  const name = message.name;
  if (!Object.hasOwn(protocol, name)) {
    return {
      ok: false,
      error: { name: 'MessageError', code: 'unknown_message', message: `Unknown message ${name}.` },
    };
  }
  const definition = protocol[name as MessageName];
  const request = definition.request.safeParse(message.payload);
  if (!request.success) {
    return {
      ok: false,
      error: {
        name: 'MessageError',
        code: 'invalid_request',
        message: `Invalid ${name} request: ${request.error.issues.map((issue) => issue.message).join('; ')}`,
      },
    };
  }
  try {
    const handler = handlers[name as MessageName] as (req: unknown, sender: Sender) => Promise<unknown>;
    const value = await handler(request.data, sender as Sender);
    // Validate what leaves the background too: a bug cannot leak a field the schema lacks (A5).
    return { ok: true, value: definition.response.parse(value) };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
}

/**
 * Registers the background's handlers on `runtime.onMessage`; background only. `onAnswered` is told
 * whenever every message received so far was answered (utils/startup-jobs.ts waits for that).
 */
export function registerMessageHandlers(
  runtime: Pick<Runtime, 'onMessage' | 'id' | 'getURL'>,
  handlers: Handlers,
  onAnswered?: () => void,
): void {
  let unanswered = 0;
  const own: OwnExtension = { id: runtime.id, baseUrl: runtime.getURL('/') };
  runtime.onMessage.addListener(
    (message: unknown, sender: Sender, sendResponse: (reply: unknown) => void) => {
      if (!isMessageEnvelope(message)) return false;
      // sendResponse + `return true` keeps the channel open in every browser (not all Chromium
      // versions support returning a promise).
      unanswered += 1;
      void dispatchMessage(handlers, message, sender, own).then((reply) => {
        sendResponse(reply);
        unanswered -= 1;
        if (unanswered === 0) onAnswered?.();
      });
      return true;
    },
  );
}
