/**
 * The pending-flow store on its own: saved before the tab (C1), joined by
 * later work (C6), orphans and replays refused (A2), abandoned when old or
 * when the tab closes (C1, C5).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { AuthError } from '../auth/errors.ts';
import { type PendingFlow, pendingFlowsItem } from '../storage.ts';
import { createFlowStore, FLOW_MAX_AGE_MS, type FlowStart } from './flow-store.ts';

const ISSUER = 'https://portal.example.test';
let clock: number;
let opened: Array<{ url: string; savedBefore: boolean }>;
let abandoned: Array<{ state: string; code: string; message: string }>;
let requests: number;
/** States differ between tests: fake-browser can carry a write across reset(). */
let testNumber = 0;

function store() {
  return createFlowStore({
    now: () => clock,
    openTab: async (url) => {
      const state = new URL(url).searchParams.get('state') as string;
      opened.push({ url, savedBefore: (await pendingFlowsItem.get())[state] !== undefined });
      return 200 + opened.length;
    },
    onAbandoned: async (flow: PendingFlow, error: AuthError) => {
      abandoned.push({ state: flow.state, code: error.code, message: error.message });
    },
  });
}

function start(kind: FlowStart['kind'], launchAppId?: string, issuer = ISSUER): FlowStart {
  return {
    kind,
    issuer,
    ...(launchAppId ? { launchAppId } : {}),
    request: async () => {
      requests += 1;
      const state = `state-${testNumber}-${kind}-${requests}-0123456789`;
      return {
        url: `${issuer}/auth?state=${state}`,
        transaction: { state, nonce: 'n', codeVerifier: 'v', maxAge: null, acrValues: null },
      };
    },
  };
}

beforeEach(async () => {
  fakeBrowser.reset();
  await fakeBrowser.storage.session.clear();
  await pendingFlowsItem.remove();
  testNumber += 1;
  clock = Date.now();
  opened = [];
  abandoned = [];
  requests = 0;
});

describe('flow store', () => {
  it('C1: a new flow is saved before its tab opens, and the tab is recorded on it', async () => {
    const state = await store().openOrJoin(start('signIn'));
    expect(opened).toEqual([{ url: `${ISSUER}/auth?state=${state}`, savedBefore: true }]);
    expect((await pendingFlowsItem.get())[state]).toMatchObject({
      kind: 'signIn',
      tabId: 201,
      issuer: ISSUER,
    });
  });

  it('C6: concurrent step-ups at one issuer share one flow and tab; each app is listed once', async () => {
    const flows = store();
    const states = await Promise.all([
      flows.openOrJoin(start('stepUp', 'payroll')),
      flows.openOrJoin(start('stepUp', 'crm')),
      flows.openOrJoin(start('stepUp', 'payroll')),
    ]);
    expect(new Set(states).size).toBe(1);
    expect(requests).toBe(1);
    expect(opened).toHaveLength(1);
    expect((await pendingFlowsItem.get())[states[0] as string]?.launchAppIds).toEqual(['payroll', 'crm']);
  });

  it('does not join a flow of another kind or another issuer', async () => {
    const flows = store();
    const signIn = await flows.openOrJoin(start('signIn'));
    const stepUp = await flows.openOrJoin(start('stepUp'));
    const elsewhere = await flows.openOrJoin(start('stepUp', undefined, 'https://other.example.test'));
    expect(new Set([signIn, stepUp, elsewhere]).size).toBe(3);
    expect(opened).toHaveLength(3);
  });

  it('C1: an orphan (its tab never recorded) is not joined but dropped', async () => {
    const orphan: PendingFlow = {
      kind: 'stepUp',
      state: 'orphan-state-0123456789',
      nonce: 'n',
      codeVerifier: 'v',
      issuer: ISSUER,
      maxAge: null,
      acrValues: null,
      createdAt: clock,
      tabId: null,
      launchAppIds: ['wiki'],
    };
    await pendingFlowsItem.set({ [orphan.state]: orphan });
    const state = await store().openOrJoin(start('stepUp', 'payroll'));
    expect(state).not.toBe(orphan.state);
    expect(Object.keys(await pendingFlowsItem.get())).toEqual([state]);
  });

  it('A2: a flow is taken once', async () => {
    const flows = store();
    const state = await flows.openOrJoin(start('signIn'));
    expect(await flows.take(state)).toMatchObject({ state, kind: 'signIn' });
    expect(await flows.take(state)).toBeNull();
    expect(await flows.take('never-issued-state-value')).toBeNull();
  });

  it('C1/C5: a flow older than ten minutes is discarded on the next read and abandoned as cancelled', async () => {
    const flows = store();
    const state = await flows.openOrJoin(start('stepUp', 'payroll'));
    clock += FLOW_MAX_AGE_MS - 1;
    expect(await flows.load()).toHaveProperty(state);
    clock += 2;
    expect(await flows.load()).not.toHaveProperty(state);
    // toContainEqual: fake-browser can carry an earlier test's flow across reset(), and it is stale too.
    expect(abandoned).toContainEqual({
      state,
      code: 'cancelled',
      message: expect.stringContaining('10 minutes'),
    });
    expect(await flows.take(state)).toBeNull();
  });

  it('C5: closing a tab abandons only the flows of that tab', async () => {
    const flows = store();
    const signIn = await flows.openOrJoin(start('signIn'));
    const stepUp = await flows.openOrJoin(start('stepUp', 'payroll'));
    await flows.closeTab(202);
    expect(abandoned).toEqual([
      { state: stepUp, code: 'cancelled', message: 'The verification tab was closed.' },
    ]);
    expect(Object.keys(await flows.load())).toEqual([signIn]);
    await flows.closeTab(999);
    expect(abandoned).toHaveLength(1);
  });

  it('a flow started without the lock (sign-out) is saved and gets its tab', async () => {
    const flows = store();
    const flow: PendingFlow = {
      kind: 'signOut',
      state: 'logout-state-0123456789',
      nonce: '',
      codeVerifier: '',
      issuer: ISSUER,
      maxAge: null,
      acrValues: null,
      createdAt: clock,
      tabId: null,
      launchAppIds: [],
    };
    await flows.start(flow, `${ISSUER}/session/end?state=${flow.state}`);
    expect(opened[0]?.savedBefore).toBe(true);
    expect((await pendingFlowsItem.get())[flow.state]?.tabId).toBe(201);
  });
});
