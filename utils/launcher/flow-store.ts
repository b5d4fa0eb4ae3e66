/**
 * The pending flows: sign-ins, step-ups and sign-outs started in a tab and
 * not finished yet, kept in `storage.session` (utils/storage.ts
 * `pendingFlowsItem`) so a restarted worker can finish them.
 *
 * Contract:
 * - A flow is saved BEFORE its tab opens, and its completion is driven by
 *   that saved record, so a service worker killed mid-flow finishes it when
 *   the tab comes back (C1).
 * - Flows older than {@link FLOW_MAX_AGE_MS} are discarded on the next read,
 *   or by a timer when nothing reads meanwhile, and reported to
 *   `onAbandoned` with `cancelled` (C1, C5).
 * - Each `state` is taken once (A2): {@link FlowStore.take} removes it.
 * - Opening or joining a flow runs under one lock, so two launches cannot
 *   both open a step-up tab (C6); a closed tab abandons its flows (C5).
 */

import { AuthError } from '../auth/errors.ts';
import type { AuthorizationTransaction } from '../auth/oidc.ts';
import { type PendingFlow, pendingFlowsItem } from '../storage.ts';

/** Pending flows older than this are discarded (C1) and their launches cancelled (C5). */
export const FLOW_MAX_AGE_MS = 10 * 60 * 1000;

type Flows = Record<string, PendingFlow>;

export interface FlowStoreOptions {
  now: () => number;
  /**
   * Opens a flow's tab, or navigates tab `tabId` when given (Try again on the step-up tab's
   * failure page); resolves with the tab's id.
   */
  openTab(url: string, tabId?: number): Promise<number | undefined>;
  /** A flow ended without completing (expired or its tab closed): reject what waits on it. */
  onAbandoned(flow: PendingFlow, error: AuthError): Promise<void>;
}

/** How a new flow starts, for {@link FlowStore.openOrJoin}. */
export interface FlowStart {
  kind: 'signIn' | 'stepUp';
  issuer: string;
  /** An app to open once a step-up succeeds; joins the open flow's list (C6). */
  launchAppId?: string;
  /** A tab to start the flow in instead of a new one (Try again in the step-up tab). */
  tabId?: number;
  /** A step-up that must prove a second factor (saved with the flow, checked at its end). */
  secondFactor?: boolean;
  /** Builds the authorization request; only called when no flow can be joined. */
  request(): Promise<{ url: string; transaction: AuthorizationTransaction }>;
}

/** Creates the store over `storage.session`; every worker start creates a new one on the same records. */
export function createFlowStore(options: FlowStoreOptions) {
  const { now } = options;
  let lock: Promise<unknown> = Promise.resolve();

  /** Serializes flow bookkeeping so two launches cannot both open a step-up tab (C6). */
  function withLock<T>(task: () => Promise<T>): Promise<T> {
    const run = lock.then(task);
    lock = run.catch(() => undefined);
    return run;
  }

  /** Every pending flow, after discarding (and abandoning) those past {@link FLOW_MAX_AGE_MS}. */
  async function load(): Promise<Flows> {
    const flows = await pendingFlowsItem.get();
    const stale = Object.values(flows).filter((flow) => now() - flow.createdAt > FLOW_MAX_AGE_MS);
    if (stale.length === 0) return flows;
    for (const flow of stale) {
      delete flows[flow.state];
      await options.onAbandoned(
        flow,
        new AuthError(
          'cancelled',
          'The verification took longer than 10 minutes, so it was cancelled. Try again.',
        ),
      );
    }
    await pendingFlowsItem.set(flows);
    return flows;
  }

  async function save(flow: PendingFlow): Promise<void> {
    const flows = await load();
    flows[flow.state] = flow;
    await pendingFlowsItem.set(flows);
    // C5: an abandoned tab cancels its launches after 10 minutes even if nothing else
    // happens meanwhile (a restarted worker prunes on its next read instead).
    setTimeout(() => void withLock(load).catch(() => undefined), FLOW_MAX_AGE_MS + 1000);
  }

  async function recordTab(state: string, tabId: number | undefined): Promise<void> {
    if (tabId === undefined) return;
    const flows = await load();
    const flow = flows[state];
    if (!flow) return;
    flow.tabId = tabId;
    await pendingFlowsItem.set(flows);
  }

  /** Saves `flow` (C1: before its tab opens), opens `url` in a tab (or `tabId`) and records the tab on the flow. */
  async function start(flow: PendingFlow, url: string, tabId?: number): Promise<void> {
    await save(flow);
    await recordTab(flow.state, await options.openTab(url, tabId));
  }

  /**
   * The flow new work may join: same kind and issuer, with its tab known. A
   * flow without a tab id lost its tab (the worker died between opening and
   * recording it, and a close went unnoticed); joining it would wait on
   * nothing, so it is an orphan instead.
   */
  function active(flows: Flows, kind: PendingFlow['kind'], issuer: string): PendingFlow | undefined {
    return Object.values(flows).find(
      (flow) => flow.kind === kind && flow.issuer === issuer && flow.tabId !== null,
    );
  }

  /** Forgets orphaned flows of a kind (see {@link active}); their redirect, if it ever comes, is refused. */
  async function dropOrphans(flows: Flows, kind: PendingFlow['kind']): Promise<void> {
    const orphans = Object.values(flows).filter((flow) => flow.kind === kind && flow.tabId === null);
    if (orphans.length === 0) return;
    for (const flow of orphans) delete flows[flow.state];
    await pendingFlowsItem.set(flows);
  }

  /**
   * Under the lock: joins the open flow of the same kind at the same issuer
   * (a second click joins the tab already open, C6), or starts a new one.
   * Resolves with the flow's `state` once its tab is open.
   */
  function openOrJoin(request: FlowStart): Promise<string> {
    return withLock(async () => {
      const flows = await load();
      const open = active(flows, request.kind, request.issuer);
      if (open) {
        const appId = request.launchAppId;
        if (appId !== undefined && !open.launchAppIds.includes(appId)) {
          open.launchAppIds.push(appId);
          await pendingFlowsItem.set(flows);
        }
        return open.state;
      }
      await dropOrphans(flows, request.kind);
      const { url, transaction } = await request.request();
      const flow: PendingFlow = {
        kind: request.kind,
        ...transaction,
        issuer: request.issuer,
        ...(request.secondFactor !== undefined ? { secondFactor: request.secondFactor } : {}),
        createdAt: now(),
        tabId: null,
        launchAppIds: request.launchAppId === undefined ? [] : [request.launchAppId],
      };
      await start(flow, url, request.tabId);
      return flow.state;
    });
  }

  /** Removes and returns a flow: each `state` is usable once (A2). */
  async function take(state: string): Promise<PendingFlow | null> {
    const flows = await load();
    const flow = flows[state];
    if (!flow) return null;
    delete flows[state];
    await pendingFlowsItem.set(flows);
    return flow;
  }

  /** C5: the employee closed a sign-in or step-up tab: its flows are abandoned. */
  function closeTab(tabId: number): Promise<void> {
    return withLock(async () => {
      const flows = await load();
      const closed = Object.values(flows).filter((flow) => flow.tabId === tabId);
      if (closed.length === 0) return;
      for (const flow of closed) delete flows[flow.state];
      await pendingFlowsItem.set(flows);
      for (const flow of closed) {
        await options.onAbandoned(flow, new AuthError('cancelled', 'The verification tab was closed.'));
      }
    });
  }

  return { openOrJoin, start, take, closeTab, load };
}

export type FlowStore = ReturnType<typeof createFlowStore>;
