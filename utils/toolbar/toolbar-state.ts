/**
 * The toolbar button's state (issue 4 item 5): badge, badge colour and
 * tooltip for signed out, signed in, a fresh second factor (with the minutes
 * it stays fresh) and an unreachable portal. Pure: the background gathers
 * the inputs ({@link ToolbarInput}) and applies the answer with
 * `action.setBadgeText` / `setBadgeBackgroundColor` / `setTitle`
 * (utils/toolbar/apply.ts).
 *
 * Precedence, most urgent first: portal unreachable (launching needs it, C3),
 * then MFA fresh, then signed in. Tooltips are whole localized sentences with
 * placeholders (issue 4 item 8); the badge carries at most 4 characters, as
 * browsers clip longer text.
 *
 * @see https://developer.chrome.com/docs/extensions/reference/api/action#badge
 * @see https://www.rfc-editor.org/rfc/rfc9470#section-3 RFC 9470 §3 (`max_age` against `auth_time`)
 */
import type { MessageKey } from '../i18n.ts';

/** What the toolbar reflects. */
export type ToolbarInput =
  | { readonly kind: 'unconfigured' }
  | { readonly kind: 'signedOut' }
  | {
      readonly kind: 'signedIn';
      /** Who, as the popup names them (display name, else email). */
      readonly name: string;
      /** Epoch seconds of the last proven second factor (`auth_time` with the MFA `acr`), or null. */
      readonly mfaAuthTime: number | null;
      /** How long a second factor counts as fresh (policy `stepUpMaxAgeSeconds`). */
      readonly mfaMaxAgeSeconds: number;
      /** The last attempt to reach the portal failed with a network error. */
      readonly portalUnreachable: boolean;
    };

/** What the background applies to the action. */
export interface ToolbarView {
  readonly kind: 'unconfigured' | 'signedOut' | 'signedIn' | 'mfaFresh' | 'unreachable';
  readonly badgeText: string;
  /** CSS hex colour; both have at least 4.5:1 contrast with the white badge text. */
  readonly badgeColor: string;
  readonly title: string;
  /** Minutes the second factor stays fresh (rounded down, {@link mfaMinutesLeft}), when it is. */
  readonly mfaMinutesLeft: number | null;
}

/** Looks up a localized message; `utils/i18n.ts` `t` in the extension. */
export type Translate = (key: MessageKey, ...substitutions: Array<string | number>) => string;

/** Green for a proven second factor; amber-brown for an unreachable portal. */
export const BADGE_COLORS = { mfaFresh: '#1a7f37', unreachable: '#9a6700' } as const;
const NO_BADGE_COLOR = '#59636e';

/**
 * Whole minutes the second factor stays fresh at `nowMs`, rounded DOWN (0 in
 * its last minute), or null when it is not fresh. The one count for the
 * badge, its tooltip and the popup's "Verified, N min left" markers, so they
 * never disagree. Never more than the window itself: an `auth_time` a little
 * ahead of this computer's clock must not show "6 min left" for a 5-minute
 * window.
 */
export function mfaMinutesLeft(
  mfaAuthTime: number | null,
  maxAgeSeconds: number,
  nowMs: number,
): number | null {
  if (mfaAuthTime === null) return null;
  const secondsLeft = Math.min(maxAgeSeconds, mfaAuthTime + maxAgeSeconds - nowMs / 1000);
  return secondsLeft > 0 ? Math.floor(secondsLeft / 60) : null;
}

/** The toolbar's badge and tooltip for `input` at `nowMs`. */
export function toolbarView(input: ToolbarInput, nowMs: number, translate: Translate): ToolbarView {
  switch (input.kind) {
    case 'unconfigured':
      return view('unconfigured', '', NO_BADGE_COLOR, translate('toolbarUnconfigured'), null);
    case 'signedOut':
      return view('signedOut', '', NO_BADGE_COLOR, translate('toolbarSignedOut'), null);
    default: {
      const minutes = mfaMinutesLeft(input.mfaAuthTime, input.mfaMaxAgeSeconds, nowMs);
      if (input.portalUnreachable) {
        return view(
          'unreachable',
          '!',
          BADGE_COLORS.unreachable,
          translate('toolbarUnreachable', input.name),
          minutes,
        );
      }
      if (minutes !== null) {
        return view(
          'mfaFresh',
          translate('toolbarMfaBadge', minutes),
          BADGE_COLORS.mfaFresh,
          translate('toolbarMfaFresh', input.name, minutes),
          minutes,
        );
      }
      return view('signedIn', '', NO_BADGE_COLOR, translate('toolbarSignedIn', input.name), null);
    }
  }
}

function view(
  kind: ToolbarView['kind'],
  badgeText: string,
  badgeColor: string,
  title: string,
  minutes: number | null,
): ToolbarView {
  return { kind, badgeText: badgeText.slice(0, 4), badgeColor, title, mfaMinutesLeft: minutes };
}
