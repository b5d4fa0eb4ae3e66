/**
 * Setting up a second factor inside a sign-in (B11): for a user who must have
 * MFA (portal setting or the admin's per-user flag) and has none, and for
 * step-up (an app asks for MFA) of a user without a second factor.
 *
 * The authenticator app:
 * Steps, each refused unless the one before it happened in this interaction:
 * 1. the page shows the pending enrollment's key as a QR code drawn here
 *    (`qrcode`, an SVG `data:` URL: the secret never leaves the portal) and as
 *    text; the same pending key survives a reload;
 * 2. `enrol` checks a code from the app (services/totp.ts: the enrollment stays
 *    inactive until then) and answers with the recovery codes — shown once, in
 *    that answer only;
 * 3. `enrolment-done` ("I have saved these codes") finishes the sign-in with
 *    MFA (`acr` MFA, `amr` with `otp`, RFC 8176).
 *
 * Or, where passkeys are allowed (B19), a passkey on the same page:
 * `enrol-passkey` verifies the browser's answer to a registration ceremony
 * bound to this interaction and its user (services/passkey-registration.ts),
 * stores the passkey and finishes the sign-in with MFA (`amr` pwd + hwk/swk,
 * user, mfa). No recovery codes: those belong to the authenticator app.
 *
 * There is no way past either without a valid code or a verified passkey: no "skip".
 */
import QRCode from 'qrcode';
import type { PortalContext } from '../context.ts';
import type { UserRecord } from '../repo/users.ts';
import { mustHaveMfa } from '../services/accounts.ts';
import {
  defaultPasskeyName,
  enrolmentRegistrationOptions,
  finishEnrolmentRegistration,
} from '../services/passkey-registration.ts';
import {
  afterPassword,
  hasSecondFactor,
  PasskeyError,
  passkeyAmr,
  passkeysAllowed,
} from '../services/passkeys.ts';
import { confirmTotpEnrollment, hasActiveTotp, pendingTotpEnrollment } from '../services/totp.ts';
import type { PageTexts } from '../views/i18n/index.ts';
import {
  type EnrolmentReason,
  enrolmentDonePage,
  enrolmentPage,
  recoveryCodesPage,
} from '../views/mfa-enrolment-pages.ts';
import { PASSKEY_PAGE_HEADERS, passkeyCreateBlock } from '../views/passkey-pages.ts';
import { type Details, type KoaContext, type StepRequest, sendPage } from './interaction-kit.ts';

/** What the enrolment steps need from the interaction module. */
export interface EnrolmentHooks {
  /** The signed-in-so-far user of this interaction, when still active. */
  user(request: StepRequest): Promise<UserRecord | undefined>;
  /** Re-renders wherever the interaction stands (with an optional error). */
  show(request: StepRequest, error?: string): Promise<void>;
  /** Completes the login with MFA (`amr`: what was proven; default the authenticator app's). */
  finishWithMfa(request: StepRequest, user: UserRecord, amr?: string[]): Promise<void>;
  /** The app the request is about, for the wording. */
  appName(details: Details, userId: string): Promise<string | undefined>;
}

/** The QR code of an `otpauth://` URI as an SVG `data:` URL. */
export async function qrDataUrl(otpauthUri: string): Promise<string> {
  const svg = await QRCode.toString(otpauthUri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/** Renders the current enrolment step for a user past the password who has no active authenticator. */
export async function showEnrolment(
  ctx: PortalContext,
  hooks: Pick<EnrolmentHooks, 'appName'>,
  view: { koa: KoaContext; details: Details; texts: PageTexts; base: string; csrf: string; error?: string },
  user: UserRecord,
  secondFactorVerified: boolean,
): Promise<void> {
  const { koa, texts, base, csrf } = view;
  if (secondFactorVerified) {
    return sendPage(koa, enrolmentDonePage({ action: `${base}/enrolment-done`, csrf, texts }));
  }
  const pending = await pendingTotpEnrollment(ctx, user.id);
  const reason: EnrolmentReason = mustHaveMfa(ctx, user) ? 'required' : 'step-up';
  const appName = await hooks.appName(view.details, user.id);
  const passkey = passkeysAllowed(ctx)
    ? passkeyCreateBlock({
        texts,
        action: `${base}/enrol-passkey`,
        csrf,
        creationOptions: await enrolmentRegistrationOptions(ctx, view.details.uid, user),
        suggestedName: defaultPasskeyName(koa.get('user-agent')),
        messages: {
          cancelled: texts.t.passkey.enrolCancelled,
          unsupported: texts.t.passkey.enrolUnsupported,
        },
      })
    : null;
  sendPage(
    koa,
    enrolmentPage({
      action: `${base}/enrol`,
      base,
      csrf,
      texts,
      error: view.error,
      reason: reason === 'step-up' && appName ? 'app' : reason,
      appName,
      qrDataUrl: await qrDataUrl(pending.otpauthUri),
      secret: pending.secret,
      passkey,
    }),
    view.error ? 400 : 200,
    passkey ? PASSKEY_PAGE_HEADERS : undefined,
  );
}

/** The POST steps of enrolment, keyed by their path segment. */
export function enrolmentSteps(
  ctx: PortalContext,
  hooks: EnrolmentHooks,
): Record<'enrol' | 'enrol-passkey' | 'enrolment-done', (request: StepRequest) => Promise<void>> {
  /** Refuses a step posted out of order: the page for where the interaction stands, as 409. */
  const refuse = async (request: StepRequest) => {
    await hooks.show(request);
    request.koa.status = 409;
  };
  return {
    async enrol(request) {
      const { progress, form, koa } = request;
      const user = await hooks.user(request);
      if (
        !user ||
        !progress.passwordVerified ||
        progress.secondFactorVerified ||
        (await hasSecondFactor(ctx, user.id))
      )
        return refuse(request);
      const confirmed = await confirmTotpEnrollment(ctx, user.id, form.get('code') ?? '');
      if (confirmed instanceof Error) {
        await ctx.audit('sign_in.mfa_enrolment_failed', { userId: user.id, email: user.email, ip: koa.ip });
        return hooks.show(request, request.texts.t.messages.badEnrolCode);
      }
      progress.secondFactorVerified = true;
      await ctx.repos.interactionProgress.save(progress);
      sendPage(
        koa,
        recoveryCodesPage({
          action: `/interaction/${request.details.uid}/enrolment-done`,
          csrf: progress.csrf,
          texts: request.texts,
          codes: confirmed.recoveryCodes,
        }),
      );
    },

    async 'enrol-passkey'(request) {
      const { progress, form, koa, details } = request;
      const user = await hooks.user(request);
      if (
        !user ||
        !progress.passwordVerified ||
        progress.secondFactorVerified ||
        !passkeysAllowed(ctx) ||
        (await hasSecondFactor(ctx, user.id))
      )
        return refuse(request);
      try {
        const added = await finishEnrolmentRegistration(
          ctx,
          details.uid,
          user.id,
          form.get('response') ?? '',
          {
            name: form.get('name') ?? '',
            userAgent: koa.get('user-agent') || null,
            ip: koa.ip,
          },
        );
        return hooks.finishWithMfa(
          request,
          user,
          afterPassword(passkeyAmr(added.record, added.userVerified)),
        );
      } catch (error) {
        if (!(error instanceof PasskeyError)) throw error;
        await ctx.audit('sign_in.mfa_enrolment_failed', {
          userId: user.id,
          email: user.email,
          ip: koa.ip,
          factor: 'passkey',
          reason: error.code,
        });
        return hooks.show(request, request.texts.t.passkey.addFailed);
      }
    },

    async 'enrolment-done'(request) {
      const user = await hooks.user(request);
      const { progress } = request;
      if (
        !user ||
        !progress.passwordVerified ||
        !progress.secondFactorVerified ||
        !(await hasActiveTotp(ctx, user.id))
      )
        return refuse(request);
      return hooks.finishWithMfa(request, user);
    },
  };
}
