import { beforeEach, describe, expect, it } from 'vitest';
import { ACR_MFA } from '../../contract/constants.ts';
import { type Approver, type PushPrompt, pushAnswerMessage } from '../../contract/push.ts';
import type { WithStepUp } from '../account/handlers.ts';
import { PortalApiError, StepUpRequiredError } from '../portal/api-client.ts';
import { DeviceKey, type DeviceKeyStore, type StoredDeviceKey } from './device-key.ts';
import { createPushHandlers } from './handlers.ts';
import { pushProtocol } from './protocol.ts';

const ISSUER = 'https://portal.example.com';
const ALICE = { issuer: ISSUER, sub: 'alice' };
const PROMPT: PushPrompt = {
  id: 'p1',
  choices: [12, 34, 56],
  app: 'Payroll',
  browser: 'Firefox 153 on Windows',
  ipAddress: '203.0.113.7',
  createdAt: '2026-12-06T10:42:00.000Z',
  expiresAt: '2099-12-06T10:44:00.000Z',
};

function problem(status: number, code: string) {
  return new PortalApiError(status === 403 ? 'forbidden' : 'portal_error', `portal said ${code}`, {
    status,
    problem: { type: 'about:blank', title: code, status, code, detail: `portal said ${code}` },
  });
}

/** A portal that keeps approvers and records what it was sent. */
function setup() {
  const store: DeviceKeyStore & { value?: StoredDeviceKey } = {
    get: async () => store.value,
    set: async (value) => {
      store.value = value;
    },
    delete: async () => {
      store.value = undefined;
    },
  };
  const approvers: Approver[] = [
    { id: 'old-laptop', name: 'Old laptop', createdAt: '2026-01-01T00:00:00.000Z', lastUsedAt: null },
  ];
  const sent: Array<{ method: string; path: string; body?: unknown }> = [];
  const state = {
    account: ALICE as typeof ALICE | null,
    stepUps: [] as string[],
    needStepUp: true,
    answerFails: null as PortalApiError | null,
    prompts: [PROMPT],
    enrolmentChanges: 0,
    offline: false,
  };
  const inboxList: PushPrompt[] = [];
  const dropped: string[] = [];
  const withStepUp: WithStepUp = async (reason, run) => {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof StepUpRequiredError)) throw error;
      state.stepUps.push(reason);
      state.needStepUp = false;
      return run();
    }
  };
  const handlers = createPushHandlers({
    account: async () => state.account,
    deviceKey: new DeviceKey(store),
    withStepUp,
    enrolmentChanged: async () => {
      state.enrolmentChanges++;
    },
    inbox: {
      update: async (prompts) => {
        inboxList.splice(0, inboxList.length, ...prompts);
      },
      drop: async (id) => {
        dropped.push(id);
      },
      current: async () => inboxList,
    },
    request: (async (
      method: string,
      path: string,
      schema: { parse(v: unknown): unknown },
      body?: unknown,
    ) => {
      if (state.offline) throw new PortalApiError('network', 'The portal did not answer.');
      sent.push({ method, path, body });
      if (method === 'GET' && path === '/me/approvers') return schema.parse({ approvers });
      if (method === 'POST' && path === '/me/approvers') {
        if (state.needStepUp) throw new StepUpRequiredError({ acrValues: [ACR_MFA], maxAge: 300 });
        const created = {
          id: `device-${approvers.length}`,
          name: (body as { name: string }).name,
          createdAt: '2026-12-06T10:00:00.000Z',
          lastUsedAt: null,
        };
        approvers.push(created);
        return schema.parse(created);
      }
      if (method === 'DELETE') {
        const id = decodeURIComponent(path.split('/').pop() as string);
        approvers.splice(
          approvers.findIndex((a) => a.id === id),
          1,
        );
        return undefined;
      }
      if (path === '/me/push/prompts') return schema.parse({ prompts: state.prompts });
      if (path.endsWith('/answer')) {
        if (state.answerFails) throw state.answerFails;
        return schema.parse({ outcome: 'approved' });
      }
      throw new Error(`unexpected ${method} ${path}`);
    }) as never,
  });
  return { handlers, store, approvers, sent, state, inboxList, dropped };
}

let t: ReturnType<typeof setup>;
beforeEach(() => {
  t = setup();
});

async function enrol() {
  const result = await t.handlers.enrolApprover({ name: 'Chrome on Linux' });
  if (!result.ok) throw new Error(result.problem.message);
  return result.value;
}

describe('enrol this browser (issue 13, A15, B11)', () => {
  it('A15: a fresh second factor first, then only the public key is registered; this browser is marked in the list', async () => {
    const approver = await enrol();
    expect(t.state.stepUps).toEqual(['approve sign-ins from this browser']);
    const posted = t.sent.filter((s) => s.method === 'POST').at(-1)?.body as {
      name: string;
      publicKey: Record<string, string>;
    };
    expect(posted.name).toBe('Chrome on Linux');
    expect(Object.keys(posted.publicKey).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    expect(t.store.value?.keys.privateKey.extractable).toBe(false);
    expect(t.store.value).toMatchObject({ issuer: ISSUER, deviceId: approver.id, subject: 'alice' });
    expect(t.state.enrolmentChanges).toBe(1);

    const list = await t.handlers.listApprovers({});
    expect(list.thisBrowserEnrolled).toBe(true);
    expect(list.approvers.map((a) => [a.id, a.thisBrowser])).toEqual([
      ['old-laptop', false],
      [approver.id, true],
    ]);
  });

  it('an enrolled browser is not enrolled twice', async () => {
    await enrol();
    const again = await t.handlers.enrolApprover({ name: 'again' });
    expect(again).toMatchObject({ ok: false, problem: { code: 'validation_failed' } });
    expect(t.sent.filter((s) => s.method === 'POST')).toHaveLength(2);
  });

  it('another person signed in to the same browser is not its approver', async () => {
    await enrol();
    t.state.account = { issuer: ISSUER, sub: 'bob' };
    expect((await t.handlers.listApprovers({})).thisBrowserEnrolled).toBe(false);
    expect(await t.handlers.getPushPrompts({})).toEqual({ enrolled: false, prompts: [] });
  });

  it('signed out (or provider-only mode): enrolment is refused as signed out, nothing is sent', async () => {
    t.state.account = null;
    expect(await t.handlers.enrolApprover({ name: 'x' })).toMatchObject({
      ok: false,
      problem: { code: 'signed_out' },
    });
    expect(t.sent).toEqual([]);
    expect(await t.handlers.getPushPrompts({})).toEqual({ enrolled: false, prompts: [] });
  });

  it('the request schema refuses an approve without a number, and a deny with one', () => {
    const schema = pushProtocol.answerPushPrompt.request;
    expect(schema.safeParse({ id: 'p1', decision: 'approve', number: null }).success).toBe(false);
    expect(schema.safeParse({ id: 'p1', decision: 'deny', number: 12 }).success).toBe(false);
    expect(schema.safeParse({ id: 'p1', decision: 'approve', number: 12 }).success).toBe(true);
    expect(schema.safeParse({ id: 'p1', decision: 'not_me', number: null }).success).toBe(true);
  });
});

describe('remove (issue 13)', () => {
  it('removing this browser forgets its key and stops listening; removing another keeps it', async () => {
    const approver = await enrol();
    expect(await t.handlers.removeApprover({ id: 'old-laptop' })).toEqual({ ok: true, value: {} });
    expect(t.store.value?.deviceId).toBe(approver.id);
    expect(await t.handlers.removeApprover({ id: approver.id })).toEqual({ ok: true, value: {} });
    expect(t.store.value).toBeUndefined();
    expect(t.state.enrolmentChanges).toBe(2);
  });

  it('removed from another device: the next list forgets the key', async () => {
    const approver = await enrol();
    t.approvers.splice(
      t.approvers.findIndex((a) => a.id === approver.id),
      1,
    );
    expect((await t.handlers.listApprovers({})).thisBrowserEnrolled).toBe(false);
    expect(t.store.value).toBeUndefined();
  });
});

describe('answer a prompt (issue 13, A15, B15)', () => {
  it('A15: the answer is signed over the prompt, the number chosen and the decision, verifiable with the registered key', async () => {
    await enrol();
    const posted = t.sent.find((s) => s.method === 'POST')?.body as { publicKey: JsonWebKey } | undefined;
    const publicJwk = posted?.publicKey as JsonWebKey;
    for (const [decision, number] of [
      ['approve', 34],
      ['deny', null],
      ['not_me', null],
    ] as const) {
      const result = await t.handlers.answerPushPrompt({ id: 'p1', decision, number });
      expect(result).toEqual({ ok: true, outcome: 'approved' });
      const body = t.sent.at(-1)?.body as {
        deviceId: string;
        decision: string;
        number: number | null;
        signature: string;
      };
      expect(t.sent.at(-1)?.path).toBe('/me/push/prompts/p1/answer');
      expect(body).toMatchObject({ deviceId: t.store.value?.deviceId, decision, number });
      const key = await crypto.subtle.importKey(
        'jwk',
        publicJwk,
        { name: 'ECDSA', namedCurve: 'P-256' },
        false,
        ['verify'],
      );
      const signature = Uint8Array.from(atob(body.signature.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
        c.charCodeAt(0),
      );
      const verify = (message: Uint8Array<ArrayBuffer>) =>
        crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, message);
      expect(await verify(pushAnswerMessage('p1', number, decision))).toBe(true);
      // A tampered answer (another number, decision or prompt) does not match the signature.
      expect(await verify(pushAnswerMessage('p1', 12, 'approve'))).toBe(false);
      expect(await verify(pushAnswerMessage('p2', number, decision))).toBe(false);
    }
    expect(t.dropped).toEqual(['p1', 'p1', 'p1']);
  });

  it("B15: the number goes to the portal as chosen — the launcher does not judge it; a wrong one is the portal's answer", async () => {
    await enrol();
    await t.handlers.answerPushPrompt({ id: 'p1', decision: 'approve', number: 12 });
    expect(t.sent.at(-1)?.body).toMatchObject({ number: 12 });
  });

  it('a prompt no longer open (answered elsewhere, expired, replayed) is a problem, and leaves the list', async () => {
    await enrol();
    t.state.answerFails = problem(409, 'push_prompt_gone');
    expect(await t.handlers.answerPushPrompt({ id: 'p1', decision: 'approve', number: 34 })).toMatchObject({
      ok: false,
      problem: { code: 'push_prompt_gone' },
    });
    expect(t.dropped).toEqual(['p1']);
    expect(t.store.value?.deviceId).toBeDefined();
  });

  it('a portal that refuses the device (removed elsewhere) makes the browser forget its key', async () => {
    await enrol();
    t.state.answerFails = problem(403, 'push_signature_invalid');
    expect(await t.handlers.answerPushPrompt({ id: 'p1', decision: 'deny', number: null })).toMatchObject({
      ok: false,
      problem: { code: 'push_signature_invalid' },
    });
    expect(t.store.value).toBeUndefined();
  });

  it('not enrolled: nothing is signed or sent', async () => {
    expect(await t.handlers.answerPushPrompt({ id: 'p1', decision: 'approve', number: 34 })).toMatchObject({
      ok: false,
      problem: { code: 'push_signature_invalid' },
    });
    expect(t.sent).toEqual([]);
  });

  it('getPushPrompts reads the portal and refreshes the inbox; offline it answers what the stream delivered', async () => {
    await enrol();
    expect(await t.handlers.getPushPrompts({})).toEqual({ enrolled: true, prompts: [PROMPT] });
    expect(t.inboxList).toEqual([PROMPT]);
    t.state.offline = true;
    expect(await t.handlers.getPushPrompts({})).toEqual({ enrolled: true, prompts: [PROMPT] });
  });
});
