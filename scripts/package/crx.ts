/**
 * The signed CRX3 for self-hosting: written by the `crx3` library, then read
 * back and checked here before the packager reports success.
 *
 * Why the check stays: crx3 1.1 has no reader of its own (its protobuf code is
 * generated write-only), and when it cannot load the key file it is given it
 * signs with a freshly generated key instead of failing. So the written file
 * is parsed again with `pbf` (the protobuf library crx3 writes with, used
 * here only through its generic field reader, with the field numbers of
 * Chromium's crx3.proto) and its signature checked with node:crypto against
 * the key we meant to sign with: a CRX that Chromium would refuse, or that
 * belongs to another id, never leaves the packager. (Chromium itself installs
 * the output in tests/e2e/force-install.test.ts. Checked once more by hand,
 * 2026-12, against Chromium 156's own `--pack-extension` of the same build
 * with the same key: both headers 581 bytes with identical signed data, both
 * pass {@link verifyCrx} with the same id.)
 *
 * crx3 1.1.3 is pure JavaScript (mri, pbf, yazl), downloads nothing at install
 * and does no network at run time; crx3 2.x needs Node 22.
 */
import { createPublicKey, verify } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import writeCrx3 from 'crx3';
import Pbf from 'pbf';
import { PackageError } from './errors.ts';
import { extensionIdFromBytes, extensionIdFromPublicKey, type SigningKey } from './keys.ts';

/** What {@link verifyCrx} found in a CRX file. */
export interface CrxInfo {
  /** The id the CRX declares in its signed header. */
  crxId: string;
  /** Size of the ZIP archive inside, in bytes. */
  archiveBytes: number;
}

/**
 * Packs `extensionDir` (a built extension, manifest.json at its root) into a
 * CRX3 signed with `key`, at `outFile` (overwritten).
 *
 * @throws {PackageError} `pack_failed`
 */
export async function packCrx(options: {
  extensionDir: string;
  key: SigningKey;
  outFile: string;
}): Promise<void> {
  const manifest = path.join(options.extensionDir, 'manifest.json');
  if (!existsSync(manifest)) {
    throw new PackageError(
      'pack_failed',
      `${options.extensionDir} has no manifest.json: build the extension first.`,
    );
  }
  // crx3 reads the key from a file only: a private temporary one, removed right after.
  const work = mkdtempSync(path.join(os.tmpdir(), 'portal-launcher-pack-'));
  try {
    const keyPath = path.join(work, 'key.pem');
    writeFileSync(keyPath, options.key.pkcs8Pem, { mode: 0o600 });
    // A list holding only manifest.json means "its whole folder", paths in the ZIP relative to it.
    await writeCrx3([manifest], { crxPath: options.outFile, keyPath });
  } catch (error) {
    throw new PackageError('pack_failed', `Writing the CRX failed: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface Proof {
  publicKey: Uint8Array | null;
  signature: Uint8Array | null;
}

interface Header {
  proofs: Proof[];
  signedHeaderData: Uint8Array | null;
}

// Field numbers from Chromium's components/crx_file/crx3.proto.
/** CrxFileHeader.sha256_with_rsa (repeated AsymmetricKeyProof). */
const HEADER_RSA_PROOF = 2;
/** CrxFileHeader.signed_header_data (a serialised SignedData). */
const HEADER_SIGNED_DATA = 10000;
/** AsymmetricKeyProof.public_key, .signature. */
const PROOF_PUBLIC_KEY = 1;
const PROOF_SIGNATURE = 2;
/** SignedData.crx_id: the first 16 bytes of SHA-256 of the signer's public key. */
const SIGNED_DATA_CRX_ID = 1;

/** Parses a serialised message with pbf; a field running past the end is an error, not a short read. */
function readMessage<T>(bytes: Uint8Array, initial: T, onField: (tag: number, into: T, pbf: Pbf) => void): T {
  const pbf = new Pbf(bytes);
  const result = pbf.readFields((tag, into, reader) => onField(tag, into as T, reader as Pbf), initial);
  if (pbf.pos !== bytes.length) throw new Error('a field runs past the end');
  return result;
}

/**
 * Checks a CRX3 file the way Chromium does before installing it: the `Cr24`
 * magic and version 3, an RSA SHA-256 proof by `expectedSpkiDer` over
 * `"CRX3 SignedData\x00" ‖ le32(len) ‖ signed_header_data ‖ archive`, and a
 * signed `crx_id` equal to that key's id.
 *
 * @see https://chromium.googlesource.com/chromium/src/+/main/components/crx_file/crx3.proto
 * @throws {PackageError} `crx_invalid`
 */
export function verifyCrx(crx: Buffer, expectedSpkiDer: Buffer): CrxInfo {
  const fail = (why: string): never => {
    throw new PackageError('crx_invalid', `The CRX is not usable: ${why}. Run the packager again.`);
  };
  if (crx.length < 12 || crx.toString('latin1', 0, 4) !== 'Cr24') fail('no Cr24 magic');
  if (crx.readUInt32LE(4) !== 3) fail(`format version ${crx.readUInt32LE(4)}, not 3`);
  const headerSize = crx.readUInt32LE(8);
  if (12 + headerSize > crx.length) fail('header longer than the file');
  const archive = crx.subarray(12 + headerSize);

  let header: Header;
  let crxIdBytes: Uint8Array | null = null;
  try {
    header = readMessage<Header>(
      crx.subarray(12, 12 + headerSize),
      { proofs: [], signedHeaderData: null },
      (tag, into, pbf) => {
        if (tag === HEADER_SIGNED_DATA) into.signedHeaderData = pbf.readBytes();
        if (tag === HEADER_RSA_PROOF) {
          into.proofs.push(
            readMessage<Proof>(
              pbf.readBytes(),
              { publicKey: null, signature: null },
              (field, proof, reader) => {
                if (field === PROOF_PUBLIC_KEY) proof.publicKey = reader.readBytes();
                if (field === PROOF_SIGNATURE) proof.signature = reader.readBytes();
              },
            ),
          );
        }
      },
    );
    if (header.signedHeaderData) {
      crxIdBytes = readMessage<{ id: Uint8Array | null }>(
        header.signedHeaderData,
        { id: null },
        (tag, into, pbf) => {
          if (tag === SIGNED_DATA_CRX_ID) into.id = pbf.readBytes();
        },
      ).id;
    }
  } catch (error) {
    return fail(`malformed header (${(error as Error).message})`);
  }
  const signedHeaderData = header.signedHeaderData ?? fail('no signed header data');
  const proof =
    header.proofs.find((p) => p.publicKey && Buffer.from(p.publicKey).equals(expectedSpkiDer)) ??
    fail('not signed by the expected key');
  const signature = proof.signature ?? fail('a proof without a signature');

  const length = Buffer.alloc(4);
  length.writeUInt32LE(signedHeaderData.length);
  const signedBytes = Buffer.concat([
    Buffer.from('CRX3 SignedData\x00', 'latin1'),
    length,
    signedHeaderData,
    archive,
  ]);
  const publicKey = createPublicKey({ key: expectedSpkiDer, format: 'der', type: 'spki' });
  if (!verify('sha256', signedBytes, publicKey, signature)) fail('the RSA signature does not verify');

  const crxId = extensionIdFromBytes(crxIdBytes ?? fail('no crx_id'));
  if (crxId !== extensionIdFromPublicKey(expectedSpkiDer))
    fail(`crx_id ${crxId} does not belong to the signing key`);
  if (archive.length < 4 || archive.readUInt32LE(0) !== 0x04034b50) fail('the archive is not a ZIP');
  return { crxId, archiveBytes: archive.length };
}
