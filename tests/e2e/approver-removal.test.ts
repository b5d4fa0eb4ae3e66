/**
 * Removing an approver from the security centre's list (issue 13; A15):
 * browser A (Chromium with the launcher) is enrolled; the portal's code page in
 * browser B (plain Chromium) offers "Send a prompt to my launcher". A removes
 * itself from its list (confirmed in a dialog): the list says none is left,
 * the enrol form is back, and B's next sign-in no longer offers the prompt —
 * the removal takes effect at once on the portal, not at some later refresh.
 */
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, signInThroughPopup, startHarness, waitForNotice } from './harness.ts';
import { codePageInB, enrolBrowserA, launchPlainChromium, sendPromptButton } from './push-browsers.ts';

let h: Harness;
let b: Browser;
let closeB: () => Promise<void> = async () => undefined;
let alice: { email: string; password: string; totpSecret: string };

/** Whether a fresh sign-in in B reaches a code page that offers the push prompt. */
async function bIsOfferedAPrompt(): Promise<boolean> {
  const { context, page } = await codePageInB(h, b, alice);
  try {
    return (await sendPromptButton(page)) !== null;
  } finally {
    await context.close();
  }
}

beforeAll(async () => {
  h = await startHarness();
  const demo = h.portal.demo?.alice;
  if (!demo) throw new Error('no demo data');
  alice = demo;
  await signInThroughPopup(h, alice);
  ({ browser: b, close: closeB } = await launchPlainChromium());
});

afterAll(async () => {
  await closeB();
  await h?.close();
});

describe('approver removal from the security centre', () => {
  it('A15: removing this browser from the list ends its approvals at once: B is no longer offered a prompt', async () => {
    const options = await enrolBrowserA(h);
    await options.waitForSelector('[data-testid="approver-this-browser"]');
    expect(await bIsOfferedAPrompt()).toBe(true);

    await options.click('[data-testid="approver"] button.danger');
    await options.waitForSelector('dialog[open] [data-testid="confirm"]');
    await options.click('dialog[open] [data-testid="confirm"]');
    await waitForNotice(options, 'Approver removed.');
    await options.waitForSelector('[data-testid="approvers-empty"]');
    expect(await options.$$('[data-testid="approver"]')).toHaveLength(0);
    // This browser can enrol again.
    expect(await options.$('[data-testid="approver-enrol"]')).not.toBeNull();

    expect(await bIsOfferedAPrompt()).toBe(false);
    await options.close();
  });
});
