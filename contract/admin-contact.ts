/**
 * The administrator's contact, shown as "Contact your administrator" when a
 * step-up was denied or cancelled: a web page (a help desk, a ticket form) or
 * an email address. One rule for both sides: the portal's setting
 * `PORTAL_ADMIN_CONTACT` (served at `GET /api/v1/support`) and the launcher's
 * policy key `adminContact`.
 *
 * A page must be a network address by the one address rule
 * (./addresses.ts: https, or http on loopback, no credentials), so a contact
 * can never be a `javascript:` or `data:` link; an email address becomes a
 * `mailto:` link. Anything else is refused with a sentence saying why.
 */
import * as z from 'zod/mini';
import { networkUrlProblem, parseUrl } from './addresses.ts';
import { lazy } from './lazy.ts';

/** Longest contact accepted (a URL or an email address). */
export const MAX_ADMIN_CONTACT_LENGTH = 2048;

/** A contact as a link: what it opens and the text to show. */
export interface AdminContactLink {
  kind: 'url' | 'email';
  /** `https://…` (or loopback `http://…`), or `mailto:…`. */
  href: string;
  /** The address itself, to show beside the link. */
  text: string;
}

const emailSchema = lazy(() => z.email());

/** Why `value` cannot be an admin contact, or null when it can. */
export function adminContactProblem(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed === '') return 'The admin contact must not be empty.';
  if (trimmed.length > MAX_ADMIN_CONTACT_LENGTH) {
    return `The admin contact must be at most ${MAX_ADMIN_CONTACT_LENGTH} characters.`;
  }
  if (!trimmed.includes(':')) {
    return emailSchema.safeParse(trimmed).success
      ? null
      : 'The admin contact must be an https:// address or an email address (help@example.com).';
  }
  const url = parseUrl(trimmed);
  if (url === null) return 'The admin contact is not a valid address (https://help.example.com).';
  const problem = networkUrlProblem(url);
  return problem === null ? null : `The admin contact ${problem}`;
}

/** The link for a valid contact, or null when `value` is not one ({@link adminContactProblem}). */
export function adminContactLink(value: string | null | undefined): AdminContactLink | null {
  if (value === null || value === undefined || adminContactProblem(value) !== null) return null;
  const text = value.trim();
  return text.includes(':')
    ? { kind: 'url', href: new URL(text).href, text }
    : { kind: 'email', href: `mailto:${text}`, text };
}

/** A contact setting: trimmed, and refused with {@link adminContactProblem}'s sentence when invalid. */
export const adminContactSchema = lazy(() =>
  z.string().check(
    z.trim(),
    z.superRefine((value, ctx) => {
      const problem = adminContactProblem(value);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
  ),
);

/** `GET /api/v1/support`: public, so the launcher can show it even when a sign-in failed. */
export const supportResponseSchema = lazy(() =>
  z.object({
    /** The portal's `PORTAL_ADMIN_CONTACT`, or null when none is set. */
    adminContact: z.nullable(adminContactSchema),
  }),
);
export type SupportResponse = z.infer<typeof supportResponseSchema>;
