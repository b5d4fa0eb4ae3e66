/**
 * Integration: behind nginx, the portal sees the client's own address when
 * (and only when) the proxy is one the operator trusts
 * (`PORTAL_TRUSTED_PROXIES`). Clients connect from other loopback addresses
 * (127.0.0.2, 127.0.0.3) than nginx (127.0.0.1), so the addresses differ.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeLoopbackPort, type RunningNginx, startNginx } from './nginx.ts';
import { startTestPortal, type TestPortal } from './portal.ts';

let trusting: TestPortal;
let plain: TestPortal;
let viaTrusting: RunningNginx;
let viaPlain: RunningNginx;

beforeAll(async () => {
  const [portTrusting, portPlain] = [await freeLoopbackPort(), await freeLoopbackPort()];
  [trusting, plain] = await Promise.all([
    startTestPortal({
      demoApps: false,
      config: { issuer: `http://127.0.0.1:${portTrusting}`, trustedProxies: ['127.0.0.1'] },
    }),
    startTestPortal({ demoApps: false, config: { issuer: `http://127.0.0.1:${portPlain}` } }),
  ]);
  viaTrusting = await startNginx(portTrusting, [trusting.address.slice('http://'.length)]);
  viaPlain = await startNginx(portPlain, [plain.address.slice('http://'.length)]);
});

afterAll(async () => {
  await Promise.all([viaTrusting?.stop(), viaPlain?.stop()]);
  await Promise.all([trusting?.close(), plain?.close()]);
});

/** Asks for a password reset from `localAddress`, with extra headers; resolves to the status. */
function requestReset(
  base: string,
  localAddress: string,
  email: string,
  headers: Record<string, string> = {},
) {
  const body = JSON.stringify({ email });
  return new Promise<number>((resolve, reject) => {
    const request = http.request(
      `${base}/api/v1/password-reset`,
      {
        method: 'POST',
        localAddress,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** The address the audit log recorded for the newest reset request (unknown addresses carry no email). */
async function auditedAddress(portal: TestPortal): Promise<string | null | undefined> {
  const entries = await portal.context.repos.audit.list({ limit: 200 });
  return entries.find((entry) => entry.event.startsWith('password_reset.'))?.ip;
}

describe('X-Forwarded-For from trusted proxies only', () => {
  it('B17: behind a trusted nginx the audit log records the client, not the proxy', async () => {
    const email = `xff-${Date.now()}@example.com`;
    expect(await requestReset(viaTrusting.url, '127.0.0.2', email)).toBe(202);
    expect(await auditedAddress(trusting)).toBe('127.0.0.2');
  });

  it('B9: a forged X-Forwarded-For from an untrusted peer (straight to the node) is ignored', async () => {
    const email = `forged-${Date.now()}@example.com`;
    expect(
      await requestReset(trusting.address, '127.0.0.3', email, { 'x-forwarded-for': '203.0.113.9' }),
    ).toBe(202);
    expect(await auditedAddress(trusting)).toBe('127.0.0.3');
  });

  it('B9: a forged X-Forwarded-For sent through the trusted nginx does not hide the client', async () => {
    const email = `forged-nginx-${Date.now()}@example.com`;
    // nginx appends the real peer: "203.0.113.9, 127.0.0.2"; only the part nginx wrote counts.
    expect(
      await requestReset(viaTrusting.url, '127.0.0.2', email, { 'x-forwarded-for': '203.0.113.9' }),
    ).toBe(202);
    expect(await auditedAddress(trusting)).toBe('127.0.0.2');
  });

  it('B9: the per-address reset limit counts the real client, however the forged header changes', async () => {
    // RESET_MAX_PER_IP (20) requests from 127.0.0.4, each forging another address, then one more.
    for (let i = 0; i < 21; i++) {
      const email = `rotate-${i}-${Date.now()}@example.com`;
      await requestReset(viaTrusting.url, '127.0.0.4', email, { 'x-forwarded-for': `198.51.100.${i + 1}` });
    }
    const entries = await trusting.context.repos.audit.list({ limit: 500 });
    const throttled = entries.filter((entry) => entry.event === 'password_reset.throttled');
    expect(throttled.map((entry) => entry.ip)).toEqual(['127.0.0.4']);
  });

  it('B17: without PORTAL_TRUSTED_PROXIES the header counts from nobody: the proxy is the client', async () => {
    const email = `plain-${Date.now()}@example.com`;
    expect(await requestReset(viaPlain.url, '127.0.0.2', email, { 'x-forwarded-for': '203.0.113.9' })).toBe(
      202,
    );
    expect(await auditedAddress(plain)).toBe('127.0.0.1');
  });
});
