/**
 * The provider's host permission, asked at the Sign in click (issue 16).
 *
 * When the portal address comes from policy, nobody typed it into the form
 * that asks for its host permission, so every request depends on the
 * provider sending CORS headers. A provider without CORS must still work:
 * the page that shows Sign in checks ahead whether the permission is missing
 * and the provider's discovery is unreadable without it ({@link
 * signInPermissionNeeded}); the click then asks for it ({@link
 * askAtSignIn}), inside the user gesture browsers require.
 *
 * Only then: headless browsers and providers that allow the extension's
 * origin never see a prompt, and a prompt is never raised for nothing.
 */
import type { browser } from 'wxt/browser';
import { portalOriginPattern, requestPortalHostPermission } from './address.ts';
import type { PortalProbeCode } from './probe.ts';

type Permissions = Pick<typeof browser.permissions, 'contains' | 'request'>;

/**
 * Whether Sign in must ask for the host permission of `portalUrl`: not yet
 * granted (nor in the manifest) and the provider's discovery unreadable
 * without it. `probe` is the background's `probePortal`. Never throws.
 */
export async function signInPermissionNeeded(
  portalUrl: string,
  permissions: Pick<Permissions, 'contains'>,
  probe: (portalUrl: string) => Promise<{ code: PortalProbeCode }>,
): Promise<boolean> {
  const pattern = portalOriginPattern(portalUrl);
  if (!pattern) return false;
  try {
    if (await permissions.contains({ origins: [pattern] })) return false;
    return (await probe(portalUrl)).code === 'unreadable';
  } catch {
    return false;
  }
}

/**
 * Called first thing in the Sign in click: asks for the permission when
 * {@link signInPermissionNeeded} said so, and resolves once the person
 * answered (a refusal too: the sign-in then reports the unreadable provider).
 */
export function askAtSignIn(
  portalUrl: string | null,
  needed: boolean,
  permissions: Pick<Permissions, 'request'>,
): Promise<boolean> {
  if (!needed || !portalUrl) return Promise.resolve(false);
  return requestPortalHostPermission(portalUrl, permissions);
}
