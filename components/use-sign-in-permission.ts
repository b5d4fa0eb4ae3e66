/**
 * The Sign in click's host-permission ask (issue 16), as one hook for the two
 * pages that show Sign in (popup and options page): while the launcher is
 * signed out at `signedOutAt`, it checks ahead whether the provider's host
 * permission is needed ({@link signInPermissionNeeded}); the returned function
 * is called first thing in the click, inside the user gesture, and asks only
 * when that check said so ({@link askAtSignIn}).
 */
import { useEffect, useRef } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { sendMessage } from '../utils/messaging-client.ts';
import { askAtSignIn, signInPermissionNeeded } from '../utils/portal/sign-in-permission.ts';

export function useSignInPermission(signedOutAt: string | null): () => Promise<boolean> {
  const needed = useRef(false);
  useEffect(() => {
    needed.current = false;
    if (!signedOutAt) return;
    let current = true;
    void signInPermissionNeeded(signedOutAt, browser.permissions, (portalUrl) =>
      sendMessage(browser.runtime, 'probePortal', { portalUrl }),
    ).then((answer) => {
      // A late answer for an address the page no longer shows is dropped.
      if (current) needed.current = answer;
    });
    return () => {
      current = false;
    };
  }, [signedOutAt]);
  return () => askAtSignIn(signedOutAt, needed.current, browser.permissions);
}
