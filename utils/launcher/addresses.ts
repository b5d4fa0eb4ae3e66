/**
 * A9: which launch URLs may reach a tab. The portal-address rule lives in
 * utils/portal/address.ts; both build on the one address rule in
 * contract/addresses.ts.
 */
import { isNetworkUrl } from '../../contract/addresses.ts';

/**
 * A9: only `https:` launch URLs, or `http:` on loopback for development, are
 * opened, never with credentials in them. `javascript:`, `data:`, `file:` and
 * the like never reach a tab.
 */
export function isSafeLaunchUrl(url: string): boolean {
  return isNetworkUrl(url);
}
