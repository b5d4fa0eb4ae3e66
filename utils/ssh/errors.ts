import { CodedError } from '../errors.ts';

/** Why SSH key generation or encoding failed; the options page branches on `code`. */
export type SshKeyErrorCode = 'unsupported_browser' | 'invalid_comment' | 'invalid_key' | 'encryption_failed';

/**
 * The one error class of `utils/ssh`. Its message says what happened and what to do; `cause`
 * keeps the underlying platform error for diagnostics.
 */
export class SshKeyError extends CodedError<SshKeyErrorCode> {
  override readonly name = 'SshKeyError';
}
