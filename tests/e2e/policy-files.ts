/**
 * Machine-wide browser policy files for end-to-end tests, written the way an
 * administrator deploys them (docs/admin.md) and always removed again.
 *
 * Chromium reads every JSON file in /etc/chromium/policies/managed; Firefox
 * reads /etc/firefox/policies/policies.json. Both apply to every browser of
 * that kind on the machine, so a test writes a file only when no other such
 * browser runs, and removes it in its afterAll and on process exit or a
 * signal, even on failure.
 *
 * `PORTAL_LAUNCHER_PRIVATE_POLICY_DIRS=1` says the caller made those
 * directories private to this process tree (for example `unshare -m` with a
 * tmpfs mounted over them, so several engineers can run browser tests at
 * once); then the wait for other browsers is skipped.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const CHROMIUM_POLICY_DIR = '/etc/chromium/policies/managed';
export const FIREFOX_POLICY_FILE = '/etc/firefox/policies/policies.json';

const written = new Set<string>();
/** Files that existed before a test replaced them, restored on removal (Firefox has one fixed path). */
const saved = new Map<string, string>();

function removeAll(): void {
  for (const file of written) removeFile(file);
}

function removeFile(file: string): void {
  if (!written.has(file)) return;
  written.delete(file);
  const previous = saved.get(file);
  saved.delete(file);
  if (previous !== undefined) writeFileSync(file, previous);
  else rmSync(file, { force: true });
}

let handlersInstalled = false;
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once('exit', removeAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      removeAll();
      process.kill(process.pid, signal);
    });
  }
}

/** Pids of running processes with exactly this name (other tests', other engineers'). */
function running(processName: string): string[] {
  try {
    return execFileSync('pgrep', ['-x', processName], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/**
 * Waits until no browser of that kind runs, so a policy file cannot reach a
 * browser it was not meant for. Skipped when the policy directories are
 * private to this process tree (see the module comment).
 */
export async function waitForNoOtherBrowser(processName: string, timeoutMs: number): Promise<void> {
  if (process.env.PORTAL_LAUNCHER_PRIVATE_POLICY_DIRS === '1') return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = running(processName);
    if (pids.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `Other ${processName} processes are running (pids ${pids.join(', ')}). This test writes a machine-wide ` +
          'policy file and must run alone: wait for them to finish, then run it again.',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export interface PolicyFile {
  readonly path: string;
  /** Replaces the policy (atomically: the browser never reads half a file). */
  write(policy: unknown): void;
  /** Removes the file (or restores what was there before); safe to call more than once. */
  remove(): void;
}

function policyFile(file: string): PolicyFile {
  installExitHandlers();
  mkdirSync(path.dirname(file), { recursive: true });
  if (!written.has(file) && existsSync(file)) saved.set(file, readFileSync(file, 'utf8'));
  written.add(file);
  return {
    path: file,
    write(policy) {
      if (!written.has(file)) throw new Error(`${file} was already removed.`);
      // Written beside the directory, not in it: Chromium parses every file in the directory.
      const temporary = path.join(
        path.dirname(path.dirname(file)),
        `.policy-${randomBytes(4).toString('hex')}.tmp`,
      );
      writeFileSync(temporary, JSON.stringify(policy, null, 2));
      renameSync(temporary, file);
    },
    remove: () => removeFile(file),
  };
}

/**
 * A new Chromium policy file with a random name (Chromium merges every file
 * in the directory). Call {@link waitForNoOtherBrowser}('chromium', …) first.
 */
export function chromiumPolicyFile(): PolicyFile {
  return policyFile(
    path.join(CHROMIUM_POLICY_DIR, `portal-launcher-test-${randomBytes(6).toString('hex')}.json`),
  );
}

/** Firefox's one system-wide policies.json (restored to what was there before on removal). */
export function firefoxPolicyFile(): PolicyFile {
  return policyFile(FIREFOX_POLICY_FILE);
}
