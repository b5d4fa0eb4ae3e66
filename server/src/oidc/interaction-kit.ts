/**
 * What the sign-in interaction modules share (interactions.ts, mfa-enrolment.ts,
 * portal-pages.ts): the Koa and interaction types, and how a page is sent.
 */
import type { ParameterizedContext } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionProgress } from '../repo/interaction-progress.ts';
import type { PageTexts } from '../views/i18n/index.ts';
import { PAGE_SECURITY_HEADERS } from '../views/pages.ts';

/** The Koa context of the provider's app. */
export type KoaContext = ParameterizedContext;
/** oidc-provider's view of the pending interaction. */
export type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** One POSTed interaction step: where it stands, its form and the page language. */
export interface StepRequest {
  koa: KoaContext;
  details: Details;
  progress: InteractionProgress;
  form: URLSearchParams;
  texts: PageTexts;
}

/** Sends a rendered page with the page security headers (B12; passkey pages allow their own scripts). */
export function sendPage(
  koa: KoaContext,
  body: string,
  status = 200,
  headers: Readonly<Record<string, string>> = PAGE_SECURITY_HEADERS,
): void {
  koa.set(headers);
  koa.status = status;
  koa.type = 'html';
  koa.body = body;
}

/**
 * Grants what a consent prompt lists, without a screen: every registered client
 * is first-party (the launcher, apps the admin registered), `offline_access` included.
 */
export async function autoConsent(provider: Provider, koa: KoaContext, details: Details): Promise<void> {
  const { prompt, params, session } = details;
  const accountId = session?.accountId;
  if (!accountId) throw new Error('consent without a session');
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: params.client_id as string });
  if (!grant) throw new Error('grant vanished');
  const missing = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  const returnTo = await provider.interactionResult(koa.req, koa.res, { consent: { grantId } });
  koa.status = 303;
  koa.redirect(returnTo);
}

/** `claims` request parameter as an object (undefined when it is not JSON). */
export function safeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
