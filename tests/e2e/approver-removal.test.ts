/**
 * Removing an approver from the security centre's list (issue 13; A15):
 * browser A (Chromium with the launcher) is enrolled; the portal's code page in
 * browser B (plain Chromium) offers "Send a prompt to my launcher". A removes
 * itself from its list (confirmed in a dialog): the list says none is left,
 * the enrol form is back, and B's next sign-in no longer offers the prompt —
 * the removal takes effect at once on the portal, not at some later refresh.
 */
import { describe, expect, it } from 'vitest';
import { waitForNotice } from './harness.ts';
import { codePageInB, enrolBrowserA, sendPromptButton, usePushBrowsers } from './push-browsers.ts';

const browsers = usePushBrowsers();

/** Whether a fresh sign-in in B reaches a code page that offers the push prompt. */
async function bIsOfferedAPrompt(): Promise<boolean> {
  const { context, page } = await codePageInB(browsers.h, browsers.b, browsers.alice);
  try {
    return (await sendPromptButton(page)) !== null;
  } finally {
    await context.close();
  }
}

describe('approver removal from the security centre', () => {
  it('A15: removing this browser from the list ends its approvals at once: B is no longer offered a prompt', async () => {
    const options = await enrolBrowserA(browsers.h);
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
