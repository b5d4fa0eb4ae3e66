/**
 * Push approvals in the background (issue 13; A15, B15), composed from
 * their parts for the background's wiring:
 *
 * - ./device-key.ts: this browser's non-extractable ECDSA P-256 key;
 * - ./prompt-watcher.ts: the portal's event stream while signed in and
 *   enrolled, with the alarm as the poll fallback;
 * - ./prompt-inbox.ts: pending prompts stored for the popup and shown as
 *   notifications;
 * - ./handlers.ts: the options page's and popup's messages.
 *
 * Contract: background only. `refresh` follows every session change (sign-in,
 * sign-out, portal change); in provider-only mode (`account()` null) nothing
 * listens and nothing is shown.
 */
import type { browser } from 'wxt/browser';
import { pushPromptsResponseSchema } from '../../contract/push.ts';
import type { WithStepUp } from '../account/handlers.ts';
import type { PortalRequest } from '../portal/account-api.ts';
import { DeviceKey, indexedDbDeviceKeyStore } from './device-key.ts';
import { createPushHandlers, type PortalAccount } from './handlers.ts';
import { createPromptInbox } from './prompt-inbox.ts';
import { promptWords } from './prompt-text.ts';
import { createPromptWatcher } from './prompt-watcher.ts';

type BrowserApis = {
  notifications: Pick<typeof browser.notifications, 'create' | 'clear'>;
  alarms: Pick<typeof browser.alarms, 'create' | 'clear' | 'get'>;
  runtime: Pick<typeof browser.runtime, 'getURL' | 'getPlatformInfo'>;
  action: Pick<typeof browser.action, 'openPopup'>;
  windows: Pick<typeof browser.windows, 'create'>;
};

export interface PushServiceOptions {
  apis: BrowserApis;
  account: PortalAccount;
  request: PortalRequest;
  stream(path: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array>>;
  withStepUp: WithStepUp;
  /** Chooses the person's language before notification words are formatted (utils/i18n.ts). */
  useLanguage(): Promise<void>;
  /** Firefox refuses `requireInteraction` on notifications. */
  firefox: boolean;
  deviceKey?: DeviceKey;
  log?(message: string): void;
}

export function createPushService(options: PushServiceOptions) {
  const { apis } = options;
  const deviceKey = options.deviceKey ?? new DeviceKey(indexedDbDeviceKeyStore());

  const inbox = createPromptInbox({
    notifications: apis.notifications,
    iconUrl: apis.runtime.getURL('/icon/128.png'),
    requireInteraction: !options.firefox,
    words: async (prompt) => {
      await options.useLanguage();
      return promptWords(prompt);
    },
    openPrompt: async (promptId) => {
      // The toolbar popup where the browser lets an extension open it; else the same page in a window.
      try {
        await apis.action.openPopup();
      } catch {
        const url = apis.runtime.getURL(`/popup.html?prompt=${encodeURIComponent(promptId)}`);
        await apis.windows.create({ url, type: 'popup', width: 400, height: 620 });
      }
    },
    log: options.log,
  });

  const isEnrolled = async () => {
    const account = await options.account();
    return account !== null && (await deviceKey.current(account.issuer, account.sub))?.deviceId != null;
  };

  const watcher = createPromptWatcher({
    shouldWatch: isEnrolled,
    openStream: (signal) => options.stream('/me/push/stream', signal),
    fetchPrompts: async () =>
      (await options.request('GET', '/me/push/prompts', pushPromptsResponseSchema)).prompts,
    onPrompts: (prompts) => inbox.update(prompts),
    keepAlive: () => void apis.runtime.getPlatformInfo().catch(() => undefined),
    alarms: apis.alarms,
    log: options.log,
  });

  const handlers = createPushHandlers({
    request: options.request,
    withStepUp: options.withStepUp,
    account: options.account,
    deviceKey,
    inbox,
    enrolmentChanged: () => watcher.refresh(),
  });

  return {
    handlers,
    /** After any session change: connect, or disconnect and withdraw the notifications. */
    refresh: () => watcher.refresh(),
    handleAlarm: (alarm: { name: string }) => watcher.handleAlarm(alarm),
    handleNotificationClick: (notificationId: string) => inbox.handleClick(notificationId),
    watcher,
  };
}
