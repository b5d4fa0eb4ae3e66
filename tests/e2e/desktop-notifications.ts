/**
 * A Linux desktop's notifications for the e2e tests (issue 13): a private
 * D-Bus session bus (Debian's dbus-daemon, with a configuration that
 * activates no service) and on it ./fake-notification-server.py, which owns
 * org.freedesktop.Notifications as GNOME Shell or KDE would. A Chromium
 * started with {@link DesktopNotifications.env} shows its notifications
 * there (headless too: measured with Debian's Chromium 156), and a
 * {@link DesktopNotifications.click} is the signal a desktop sends when the
 * person clicks one, so the extension's `notifications.onClicked` runs as it
 * would on a laptop.
 *
 * Contract: {@link startDesktopNotifications} throws, naming the package,
 * when dbus-daemon or the server cannot start; `close` stops both and
 * removes their folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const SERVER = path.join(import.meta.dirname, 'fake-notification-server.py');
/** Debian's Python, where python3-dbus and python3-gi live (not a python3 that PATH may put first). */
const DEBIAN_PYTHON = '/usr/bin/python3';

/** A Notify call the desktop received: what the person sees. */
export interface DesktopNotification {
  call: 'Notify';
  /** The desktop's id of the notification. */
  id: number;
  appName: string;
  summary: string;
  body: string;
  /** Pairs of action key and label ("default" is a click on the notification itself). */
  actions: string[];
  hints: Record<string, unknown>;
  /** 0: stays until answered. */
  expireTimeout: number;
}

export type DesktopCall =
  | DesktopNotification
  | { call: 'CloseNotification'; id: number }
  | { call: 'GetCapabilities' | 'GetServerInformation' };

export interface DesktopNotifications {
  /** The environment to start the browser with (its session bus). */
  env: { DBUS_SESSION_BUS_ADDRESS: string };
  /** Every call the desktop received, in order. */
  calls: DesktopCall[];
  /** Waits for a call that `matches` (one received already counts). */
  waitFor<T extends DesktopCall>(matches: (call: DesktopCall) => call is T, timeoutMs?: number): Promise<T>;
  /** The person clicks notification `id`: ActionInvoked(id, "default"), then NotificationClosed(id, 2). */
  click(id: number): Promise<void>;
  close(): Promise<void>;
}

/** The bus's configuration: a session bus on one socket that activates nothing (no service folders). */
function busConfig(socket: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
}

/**
 * What `child` writes to stderr, kept for error messages rather than shown: dbus-daemon run as root
 * warns that it cannot raise its file limit, which is no failure.
 */
function keepStderr(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return () => text.trim();
}

/** The first line `child` prints, or an error naming `what` (and its stderr) when it exits or stays silent first. */
function firstLine(
  child: ChildProcess,
  what: string,
  stderr: () => string,
  timeoutMs = 10_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) throw new Error(`${what}: no stdout`);
    const lines = readline.createInterface({ input: child.stdout });
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(new Error(`${what} did not start: ${error.message}. ${stderr()}`.trim()));
    };
    const timer = setTimeout(() => fail(new Error(`it said nothing within ${timeoutMs} ms`)), timeoutMs);
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`exited with ${code}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      lines.close();
      resolve(line);
    });
  });
}

/** Stops `child`: SIGTERM, then SIGKILL if it is still there after 5 s (an afterAll must not hang). */
async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const late = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(late);
}

export async function startDesktopNotifications(): Promise<DesktopNotifications> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'launcher-e2e-dbus-'));
  const config = path.join(dir, 'bus.conf');
  writeFileSync(config, busConfig(path.join(dir, 'bus')));
  let bus: ChildProcess | undefined;
  let server: ChildProcess | undefined;
  try {
    bus = spawn('dbus-daemon', [`--config-file=${config}`, '--nofork', '--nopidfile', '--print-address=1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const address = (
      await firstLine(bus, 'dbus-daemon (Debian package dbus-daemon)', keepStderr(bus))
    ).trim();
    const env = { DBUS_SESSION_BUS_ADDRESS: address };
    server = spawn(DEBIAN_PYTHON, [SERVER], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    const serverErrors = keepStderr(server);
    const what = 'The fake notification server (Debian packages python3-dbus, python3-gi)';
    const ready = await firstLine(server, what, serverErrors);
    if (JSON.parse(ready).ready !== true) throw new Error(`${what} said ${ready}`);
    return connect(env, bus, { process: server, errors: serverErrors }, dir);
  } catch (error) {
    await stop(server);
    await stop(bus);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function connect(
  env: DesktopNotifications['env'],
  bus: ChildProcess,
  { process: server, errors }: { process: ChildProcess; errors: () => string },
  dir: string,
): DesktopNotifications {
  const calls: DesktopCall[] = [];
  const replies: Array<{ done?: string; id?: number; error?: string }> = [];
  const waiting = new Set<() => void>();
  const wake = () => {
    for (const check of waiting) check();
  };
  if (!server.stdout || !server.stdin) throw new Error('The fake notification server has no pipes.');
  readline.createInterface({ input: server.stdout }).on('line', (line) => {
    let event: DesktopCall | { done: string; id: number } | { error: string };
    try {
      event = JSON.parse(line);
    } catch {
      // Not one of the server's lines (a stray print): kept as an error, not thrown in a stream handler.
      event = { error: `The fake notification server wrote ${JSON.stringify(line)}` };
    }
    if ('call' in event) calls.push(event);
    else replies.push(event);
    wake();
  });

  function until<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found === undefined) return;
        clearTimeout(timer);
        waiting.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiting.delete(check);
        const said = errors() ? `; the server said: ${errors()}` : '';
        reject(
          new Error(`${what} within ${timeoutMs} ms (the desktop received: ${JSON.stringify(calls)}${said})`),
        );
      }, timeoutMs);
      waiting.add(check);
      check();
    });
  }

  return {
    env,
    calls,
    waitFor: (matches, timeoutMs = 30_000) =>
      until(() => calls.find(matches), timeoutMs, 'The desktop received no such call'),
    async click(id) {
      const before = replies.length;
      server.stdin?.write(`${JSON.stringify({ click: id })}\n`);
      const reply = await until(
        () => replies.slice(before).find((r) => r.id === id || r.error),
        5_000,
        'The fake notification server did not answer the click',
      );
      if (reply.error) throw new Error(reply.error);
    },
    async close() {
      server.stdin?.end();
      await stop(server);
      await stop(bus);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
