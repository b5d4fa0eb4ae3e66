/**
 * The packager's one error type: every failing step of `npm run package`
 * throws a {@link PackageError} whose `code` says which step and whose message
 * says what to do; the CLI (scripts/package.ts) prints it and exits 1.
 */

export type PackageErrorCode =
  /** The signing key named by the environment is missing or unreadable. */
  | 'key_unreadable'
  /** The signing key is not an RSA private key Chromium can sign with. */
  | 'key_invalid'
  /** `wxt` failed to build or zip. */
  | 'build_failed'
  /** The CRX could not be written (no built extension, an unwritable output, a key the writer cannot load). */
  | 'pack_failed'
  /** The CRX is malformed, not signed by the key, or declares another id than its key gives. */
  | 'crx_invalid'
  /** The signing key gives another extension id than expected (`PORTAL_LAUNCHER_EXTENSION_ID`). */
  | 'id_mismatch'
  /** A command-line option or environment value is not acceptable. */
  | 'bad_option';

/** A packaging step failed; `code` names which, the message says what to do. */
export class PackageError extends Error {
  override readonly name = 'PackageError';
  readonly code: PackageErrorCode;

  constructor(code: PackageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
