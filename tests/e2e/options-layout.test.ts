/**
 * The security centre's visual rules, measured in real Chromium: text and
 * controls at least 14 px (Chromium gives extension pages `body { font-size:
 * 75% }`, so this can regress silently), a heading on every card, the
 * profile's Edit buttons in one column, one height per button kind, no
 * literal backticks, and at 780 px no sideways scrolling and SSH
 * fingerprints on at most two lines.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Harness,
  openOptionsPage,
  pastePublicKey,
  signInThroughPopup,
  startHarness,
  waitForNotice,
} from './harness.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../server/test/fixtures/ssh');
const SECTIONS = ['profile', 'password', 'mfa', 'ssh-keys', 'downloads', 'sessions', 'settings'] as const;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  const alice = h.portal.demo?.alice;
  if (!alice) throw new Error('no demo data');
  await signInThroughPopup(h, alice);
});
afterAll(async () => {
  await h?.close();
});

/** What the rules look at on the current section. */
function measure(page: Page) {
  return page.evaluate(() => {
    const visible = (el: Element) => {
      const rect = el.getBoundingClientRect();
      return rect.width > 0 && rect.height > 0 && !el.closest('.visually-hidden');
    };
    const small: string[] = [];
    const ticks: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const text = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent?.trim());
      const control = ['BUTTON', 'INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName);
      if ((!text && !control) || !visible(el)) continue;
      const size = Number.parseFloat(getComputedStyle(el).fontSize);
      if (size < 14)
        small.push(`${el.tagName}.${el.className} ${size}px "${el.textContent?.trim().slice(0, 30)}"`);
      if (text && el.textContent?.includes('`')) ticks.push(el.textContent.trim().slice(0, 60));
    }
    const headless = Array.from(document.querySelectorAll('.card'))
      .filter((card) => visible(card) && !card.querySelector('h2, h3, h4'))
      .map((card) => card.textContent?.trim().slice(0, 40));
    const heights: Record<string, number[]> = {};
    for (const button of Array.from(document.querySelectorAll('main button, .page button'))) {
      if (!visible(button) || button.matches('.link, .value-button')) continue;
      const kind = button.matches('.small') ? 'small' : 'regular';
      heights[kind] = [...(heights[kind] ?? []), Math.round(button.getBoundingClientRect().height)];
    }
    return { small, ticks, headless, heights };
  });
}

describe('security centre layout', () => {
  it('every section: text and controls ≥ 14 px, a heading on every card, one height per button kind, no backticks', async () => {
    for (const section of SECTIONS) {
      const page = await openOptionsPage(h, section);
      await page.waitForSelector(`#${section}-title`);
      // Loaded: no "Loading…" line left.
      await page.waitForFunction(() => !document.querySelector('.loading, [aria-busy="true"]'), {
        timeout: 10_000,
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const seen = await measure(page);
      expect(seen.small, section).toEqual([]);
      expect(seen.ticks, section).toEqual([]);
      expect(seen.headless, section).toEqual([]);
      for (const [kind, list] of Object.entries(seen.heights)) {
        expect(new Set(list).size, `${section}: ${kind} buttons ${list.join(', ')}`).toBe(1);
      }
      await page.close();
    }
  });

  it('the profile’s Edit buttons stand in one column', async () => {
    const page = await openOptionsPage(h, 'profile');
    await page.waitForSelector('[data-testid^="edit-"]');
    const starts = await page.$$eval('[data-testid^="edit-"]', (buttons) =>
      buttons.map((b) => Math.round(b.getBoundingClientRect().left)),
    );
    expect(starts.length).toBeGreaterThan(2);
    expect(new Set(starts).size).toBe(1);
    await page.close();
  });

  it('at 780 px: no sideways scrolling, and an RSA-4096 fingerprint takes at most two lines', async () => {
    const page = await openOptionsPage(h, 'ssh-keys');
    await page.setViewport({ width: 780, height: 1000 });
    await page.waitForSelector('#ssh-name');
    await page.type('#ssh-name', 'Build server');
    await pastePublicKey(page, readFileSync(path.join(FIXTURES, 'rsa-4096.pub'), 'utf8'));
    await page.click('[data-testid="add-key-form"] button[type="submit"]');
    await waitForNotice(page, 'Added');
    const { lines, overflow } = await page.$eval('[data-testid="ssh-keys"] .fingerprint', (code) => {
      const lineHeight = Number.parseFloat(getComputedStyle(code).lineHeight) || 21;
      return {
        lines: Math.round(code.getBoundingClientRect().height / lineHeight),
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      };
    });
    expect(lines).toBeLessThanOrEqual(2);
    expect(overflow).toBe(0);
    await h.screenshot(page, 'options-ssh-keys-780');
    await page.close();
  });
});
