/**
 * What the step-up tab shows when a step-up for an app did not succeed (the
 * employee pressed Cancel, had no second factor, or the result fell short):
 * which app, why (the error's code and sentence, whatever the reason is), and
 * whom to contact. The auth page (entrypoints/auth/) renders it with "Try
 * again", which restarts the step-up for that app in the same tab
 * ({@link Launches.retryInTab}), and "Contact your administrator".
 *
 * The contact: policy `adminContact` when the policy says anything (`""` =
 * none); otherwise the portal's public `GET /api/v1/support`, asked with a
 * short timeout and no credentials. A portal that does not answer, or a
 * provider without the portal API, means no contact: the link is hidden.
 */
import {
  type AdminContactLink,
  adminContactLink,
  supportResponseSchema,
} from '../../contract/admin-contact.ts';
import { apiAudience } from '../../contract/constants.ts';
import type { AuthError } from '../auth/errors.ts';
import type { StepUpFailureWire } from '../messaging.ts';
import type { LauncherSettings } from './ports.ts';

/** How long the step-up tab waits for the portal's contact before showing the page without it. */
export const SUPPORT_TIMEOUT_MS = 3000;

/** The admin contact as a link, or null (see the module contract). */
export async function adminContactFor(
  settings: Pick<LauncherSettings, 'adminContact'>,
  issuer: string,
  fetcher: typeof fetch = fetch,
): Promise<AdminContactLink | null> {
  if (settings.adminContact !== undefined) return adminContactLink(settings.adminContact);
  try {
    const response = await fetcher(`${apiAudience(issuer)}/support`, {
      headers: { accept: 'application/json' },
      credentials: 'omit',
      redirect: 'error',
      signal: AbortSignal.timeout(SUPPORT_TIMEOUT_MS),
    });
    if (!response.ok) return null;
    const answer = supportResponseSchema.safeParse(await response.json());
    return answer.success ? adminContactLink(answer.data.adminContact) : null;
  } catch {
    return null;
  }
}

/** The failure answer for the step-up tab: the first app the step-up was for, the reason, the contact. */
export function stepUpFailure(
  error: AuthError,
  app: { id: string; name: string },
  contact: AdminContactLink | null,
): StepUpFailureWire {
  return {
    code: error.code,
    message: error.message,
    // A refused step-up's reason names what the provider confirmed (utils/auth/step-up.ts).
    ...(error.params.length > 0
      ? { params: error.params.slice(0, 4).map((param) => param.slice(0, 200)) }
      : {}),
    appId: app.id,
    appName: app.name,
    contact,
  };
}
