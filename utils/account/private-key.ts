/**
 * Recognises pasted private key material, so the options page and the
 * background can refuse it before it goes anywhere (A13). Pure; safe in any
 * context.
 */

/**
 * Private key armour of every format a person might paste: OpenSSH, PEM
 * (PKCS#1/PKCS#8, encrypted or not), the commercial SSH2 format and PuTTY.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7468#section-10 PEM private key labels
 */
const PRIVATE_KEY_PATTERN =
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|SSH2 ENCRYPTED PRIVATE KEY|PuTTY-User-Key-File-/i;

/** True when `text` holds private key material (such text must never leave the machine). */
export function containsPrivateKey(text: string): boolean {
  return PRIVATE_KEY_PATTERN.test(text);
}

/** What the page says when a private key is pasted. */
export const PRIVATE_KEY_MESSAGE =
  'This is a private key. Never share it: paste the public key instead (the .pub file, one line starting with ssh-ed25519, ecdsa-sha2-… or ssh-rsa).';
