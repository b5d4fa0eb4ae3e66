/**
 * Types for `bcrypt-pbkdf` (a pure-JS port of OpenBSD's bcrypt_pbkdf, the KDF of OpenSSH's
 * private key format; the package ships none). Only the function this project calls.
 * @see https://github.com/joyent/node-bcrypt-pbkdf
 */
declare module 'bcrypt-pbkdf' {
  const bcryptPbkdf: {
    /** Fills `key[0..keylen)`; returns 0 on success, -1 on invalid arguments (empty password or salt, rounds < 1). */
    pbkdf(
      pass: Uint8Array,
      passlen: number,
      salt: Uint8Array,
      saltlen: number,
      key: Uint8Array,
      keylen: number,
      rounds: number,
    ): number;
  };
  export = bcryptPbkdf;
}
