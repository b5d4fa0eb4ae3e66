/**
 * Test helper: runs the real OpenSSH `ssh-keygen` (Debian's openssh-client, installed here and
 * in CI) on files written to a private temporary folder. Node-only; never imported by app code.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SshKeygenResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `ssh-keygen` with arguments (never through a shell), optionally feeding `input` on
 * standard input, and returns its exit status and output.
 */
export function sshKeygen(args: string[], input?: Uint8Array | string): SshKeygenResult {
  const result = spawnSync('ssh-keygen', args, {
    encoding: 'utf8',
    input,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `ssh-keygen -l -E sha256 -f file` split into its parts, or a thrown error with its stderr. */
export function sshKeygenFingerprint(file: string): { bits: number; fingerprint: string; comment: string } {
  const { status, stdout, stderr } = sshKeygen(['-l', '-E', 'sha256', '-f', file]);
  if (status !== 0) throw new Error(`ssh-keygen -l refused ${file}: ${stderr.trim()}`);
  const match = /^(\d+) (SHA256:\S+) (.*) \((\w+)\)$/.exec(stdout.trim());
  if (!match) throw new Error(`unexpected ssh-keygen -l output: ${stdout}`);
  return { bits: Number(match[1]), fingerprint: match[2], comment: match[3] };
}

/** A fresh folder for key files, and a function that removes it. */
export function createKeyDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'portal-ssh-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Writes `name` (private, mode 0600 — ssh-keygen refuses to read a private key others can read)
 * and `name.pub` as a user would save the downloads; returns both paths.
 */
export function writeKeyFiles(
  dir: string,
  name: string,
  files: { privateKey: string; publicKey: string },
): { privatePath: string; publicPath: string } {
  const privatePath = join(dir, name);
  const publicPath = `${privatePath}.pub`;
  writeFileSync(privatePath, files.privateKey, { mode: 0o600 });
  writeFileSync(publicPath, `${files.publicKey}\n`);
  return { privatePath, publicPath };
}
