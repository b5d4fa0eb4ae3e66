/**
 * The SSH binary encoding (RFC 4251 §5) and base64, over plain `Uint8Array`s.
 *
 * Framework-free and without Node's `Buffer`, so it runs unchanged in an extension page, a
 * service worker and Node (tests). Only the pieces the key formats in this folder need.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4251#section-5
 */

const textEncoder = new TextEncoder();

/** Builds an SSH wire-format byte string: `uint32`, `string` and raw bytes, appended in order. */
export class SshWireWriter {
  #chunks: Uint8Array[] = [];
  #length = 0;

  /** Appends raw bytes with no length prefix. */
  raw(bytes: Uint8Array): this {
    this.#chunks.push(bytes);
    this.#length += bytes.length;
    return this;
  }

  /** Appends a big-endian `uint32`. @see https://www.rfc-editor.org/rfc/rfc4251#section-5 */
  uint32(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
      throw new RangeError(`Not a uint32: ${value}`);
    }
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value);
    return this.raw(bytes);
  }

  /**
   * Appends an SSH `string`: `uint32` length, then the bytes. Text is encoded as UTF-8, which is
   * what OpenSSH does for comments and what RFC 4251 §5 specifies for names.
   * @see https://www.rfc-editor.org/rfc/rfc4251#section-5
   */
  string(value: Uint8Array | string): this {
    const bytes = typeof value === 'string' ? textEncoder.encode(value) : value;
    return this.uint32(bytes.length).raw(bytes);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }

  /** The concatenated bytes. */
  bytes(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.#length);
    let offset = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

/** Standard, padded base64 (RFC 4648 §4), as OpenSSH writes it. */
export function encodeBase64(bytes: Uint8Array): string {
  // btoa takes a "binary string"; build it in slices so large inputs do not overflow the
  // argument limit of String.fromCharCode.
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Decodes standard or URL-safe base64 (RFC 4648 §4 and §5), with or without padding. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const standard = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = standard + '='.repeat((4 - (standard.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
