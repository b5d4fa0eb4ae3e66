/**
 * Issue 15: app icons in the popup. The popup paints its first frame without
 * them (an icon's address is set once that frame is out, pages/popup/app-icon.tsx);
 * this proves they still arrive: an app with a PNG data-URL icon shows that
 * image, decoded at its size, and an app without one keeps its initials tile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, signInThroughPopup, startHarness } from './harness.ts';
import { pngDataUrl } from './png.ts';

let h: Harness;

const ICON = pngDataUrl(7);

beforeAll(async () => {
  h = await startHarness();
  await h.portal.context.db.kysely
    .updateTable('apps')
    .set({ icon_url: ICON })
    .where('id', '=', 'team-wiki')
    .execute();
});

afterAll(async () => {
  await h?.close();
});

describe('popup icons', () => {
  it("an app's icon is shown once the first frame is out, decoded; an app without one keeps its initials", async () => {
    const alice = h.portal.demo?.alice;
    if (!alice) throw new Error('no demo data');
    const { popup } = await signInThroughPopup(h, alice);
    const icon = '[data-app-id="team-wiki"] img.launcher-icon';
    await popup.waitForFunction(
      (selector: string) => {
        const img = document.querySelector<HTMLImageElement>(selector);
        return Boolean(img?.complete && img.naturalWidth > 0);
      },
      { timeout: 20_000 },
      icon,
    );
    expect(await popup.$eval(icon, (img) => (img as HTMLImageElement).getAttribute('src'))).toBe(ICON);
    expect(await popup.$eval(icon, (img) => (img as HTMLImageElement).naturalWidth)).toBe(32);
    // Its box has its size in the markup, so the image arriving shifts nothing.
    const [width, height] = await popup.$eval(icon, (img) => [
      img.getAttribute('width'),
      img.getAttribute('height'),
    ]);
    expect(Number(width)).toBeGreaterThan(0);
    expect(height).toBe(width);
    const others = await popup.$$eval(
      '[data-app-id]:not([data-app-id="team-wiki"]) .launcher-initials',
      (tiles) => tiles.map((tile) => tile.textContent?.trim() ?? ''),
    );
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((text) => text.length > 0)).toBe(true);
    await popup.close();
  });
});
