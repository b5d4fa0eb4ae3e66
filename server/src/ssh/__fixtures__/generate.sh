#!/usr/bin/env bash
# Regenerates the SSH key fixtures used by validate-public-key.test.ts and records
# what ssh-keygen itself says about each public key in expected.json.
# These are TEST keys only: never authorize them anywhere.
set -euo pipefail
cd "$(dirname "$0")"
rm -f -- *.pub *.key *.txt expected.json

gen() { # gen NAME TYPE BITS [extra ssh-keygen args...]
  local name=$1 type=$2 bits=$3
  shift 3
  ssh-keygen -q -t "$type" ${bits:+-b "$bits"} -N '' -C "test-$name@portal-launcher.test" -f "$name.key" "$@"
  mv "$name.key.pub" "$name.pub"
}

gen ed25519 ed25519 ''
gen ecdsa-p256 ecdsa 256
gen ecdsa-p384 ecdsa 384
gen ecdsa-p521 ecdsa 521
gen rsa-3072 rsa 3072
gen rsa-4096 rsa 4096
gen rsa-2048 rsa 2048
gen dsa dsa 1024
# The same RSA key in the three private-key encodings people paste by mistake.
gen rsa-pem rsa 3072 -m PEM
gen rsa-pkcs8 rsa 3072 -m PKCS8
# An OpenSSH certificate (not a plain key), signed by a throwaway CA.
ssh-keygen -q -s ed25519.key -I test-cert -n test ecdsa-p256.pub
mv ecdsa-p256-cert.pub ecdsa-p256-cert.txt
# RFC 4716 ("---- BEGIN SSH2 PUBLIC KEY ----") export of a valid key.
ssh-keygen -e -f ed25519.pub > ed25519-rfc4716.txt

# Only the public keys that must be accepted get expected fingerprints.
{
  echo '{'
  first=1
  for name in ed25519 ecdsa-p256 ecdsa-p384 rsa-3072 rsa-4096; do
    read -r bits fp _ < <(ssh-keygen -l -E sha256 -f "$name.pub")
    [[ $first == 1 ]] || echo ','
    first=0
    printf '  "%s": { "bits": %s, "fingerprint": "%s" }' "$name" "$bits" "$fp"
  done
  echo
  echo '}'
} > expected.json
rm -f dsa.key ecdsa-p256.key ecdsa-p384.key ecdsa-p521.key rsa-2048.key rsa-3072.key rsa-4096.key rsa-pem.pub rsa-pkcs8.pub
