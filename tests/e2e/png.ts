/**
 * Small PNG images made in the test, as data URLs: app icons for the popup tests and
 * bench/popup.ts (no files, no network).
 */
import { crc32, deflateSync } from 'node:zlib';

/** A 32 × 32 RGB PNG with a little noise (so it does not compress to nothing), as a data URL. */
export function pngDataUrl(seed: number): string {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(32, 0);
  header.writeUInt32BE(32, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc(32 * (1 + 32 * 3));
  let state = seed + 1;
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32 * 3; x++) {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      rows[y * (1 + 32 * 3) + 1 + x] = ((seed * 37 + x * 3) & 0xff) ^ (state & 0x1f);
    }
  }
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return `data:image/png;base64,${png.toString('base64')}`;
}
