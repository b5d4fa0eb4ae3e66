/**
 * The SAML identity provider's signing key and self-signed certificate
 * (issue 14, B20), generated on first use and kept in the database
 * (`provider_keys`, name `saml-idp`) like the provider's other keys
 * (oidc/keys.ts), so every node of a portal signs with the same key and the
 * certificate in the published metadata stays valid across restarts (C9).
 *
 * RSA 2048 with SHA-256 (RSA-SHA256 is the signature algorithm every SAML
 * service provider accepts); the certificate is self-signed because SAML
 * trusts the certificate pinned from metadata, not a CA chain. It is built by
 * `@peculiar/x509` (Node has no API that writes certificates).
 */
import { webcrypto } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { findKeySet, insertKeySetIfAbsent } from '../repo/provider-keys.ts';

/** Name of the SAML key set in `provider_keys`. */
const KEY_SET = 'saml-idp';

/** How long the self-signed certificate is valid: SPs pin it, so rolling it is an admin event. */
const CERTIFICATE_YEARS = 10;

/** The IdP's key pair (PEM), as stored. */
export interface SamlIdpKeys {
  /** PKCS#8 private key, PEM. */
  privateKey: string;
  /** X.509 certificate, PEM. */
  certificate: string;
}

const RSA_SHA256 = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

function pem(label: string, der: ArrayBuffer): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

async function generateKeys(issuer: string, now: number): Promise<SamlIdpKeys> {
  // Loaded here, once per portal's first start: nothing else needs it.
  const { cryptoProvider, X509CertificateGenerator } = await import('@peculiar/x509');
  cryptoProvider.set(webcrypto as unknown as Parameters<typeof cryptoProvider.set>[1]);
  const keys = await webcrypto.subtle.generateKey(RSA_SHA256, true, ['sign', 'verify']);
  const notBefore = new Date(now - 60_000);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CERTIFICATE_YEARS);
  const host = new URL(issuer).hostname.replace(/[^A-Za-z0-9.-]/g, '');
  const certificate = await X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=Portal Launcher SAML IdP ${host}`,
    notBefore,
    notAfter,
    keys: keys as unknown as Parameters<typeof X509CertificateGenerator.createSelfSigned>[0]['keys'],
    signingAlgorithm: RSA_SHA256,
  });
  return {
    privateKey: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
    certificate: certificate.toString('pem'),
  };
}

/**
 * Loads the IdP's key and certificate from the database, creating them the
 * first time. Two nodes starting together both try; the first insert wins and
 * both use what the database holds.
 */
export async function loadOrCreateSamlKeys(db: Database, issuer: string, now: number): Promise<SamlIdpKeys> {
  const stored = await findKeySet(db, KEY_SET);
  if (stored) return JSON.parse(stored) as SamlIdpKeys;
  await insertKeySetIfAbsent(db, KEY_SET, JSON.stringify(await generateKeys(issuer, now)), now);
  return JSON.parse((await findKeySet(db, KEY_SET)) as string) as SamlIdpKeys;
}

/** The certificate's base64 DER body (what metadata's `<ds:X509Certificate>` holds). */
export function certificateBody(keys: SamlIdpKeys): string {
  return keys.certificate.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
}
