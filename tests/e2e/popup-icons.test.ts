/**
 * Issue 15: app icons in the popup. The popup paints its first frame without
 * them (an icon's address is set once that frame is out, pages/popup/app-icon.tsx);
 * this proves they still arrive: an app with a PNG data-URL icon shows that
 * image, decoded at its size, and an app without one keeps its initials tile.
 */
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, signInThroughPopup, startHarness } from './harness.ts';

let h: Harness;

/** A 2 × 2 opaque PNG (any valid raster will do), as a data URL. */
function tinyPng(): string {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(2, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.from([0, 200, 30, 30, 30, 200, 30, 0, 30, 30, 200, 200, 200, 30]);
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return `data:image/png;base64,${png.toString('base64')}`;
}

const ICON = tinyPng();

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
    expect(await popup.$eval(icon, (img) => (img as HTMLImageElement).naturalWidth)).toBe(2);
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
