import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMessage, type LocaleMessage, SUPPORTED_LOCALES } from '../i18n.ts';
import { applyToolbarView, TOOLBAR_ALARM, type ToolbarApis } from './apply.ts';
import {
  BADGE_COLORS,
  mfaMinutesLeft,
  type ToolbarInput,
  type Translate,
  toolbarView,
} from './toolbar-state.ts';

const localesDir = path.resolve(import.meta.dirname, '../../public/_locales');
function translator(locale: string): Translate {
  const messages = JSON.parse(readFileSync(path.join(localesDir, locale, 'messages.json'), 'utf8')) as Record<
    string,
    LocaleMessage
  >;
  return (key, ...values) => {
    const entry = messages[key];
    if (!entry) throw new Error(`${locale} has no message ${key}`);
    return formatMessage(entry, values.map(String));
  };
}
const en = translator('en');

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const nowSeconds = NOW / 1000;
const signedIn = (over: Partial<Extract<ToolbarInput, { kind: 'signedIn' }>> = {}): ToolbarInput => ({
  kind: 'signedIn',
  name: 'Alice Example',
  mfaAuthTime: null,
  mfaMaxAgeSeconds: 300,
  portalUnreachable: false,
  ...over,
});

describe('toolbar state (issue 4 item 5)', () => {
  it('signed out: no badge, a tooltip that says how to sign in', () => {
    const view = toolbarView({ kind: 'signedOut' }, NOW, en);
    expect(view).toMatchObject({ kind: 'signedOut', badgeText: '', mfaMinutesLeft: null });
    expect(view.title).toBe('Portal Launcher: signed out. Click to sign in.');
  });

  it('unconfigured: asks for the portal address', () => {
    expect(toolbarView({ kind: 'unconfigured' }, NOW, en).title).toContain('portal address');
  });

  it('signed in without a fresh second factor: no badge, the name in the tooltip', () => {
    const view = toolbarView(signedIn({ mfaAuthTime: nowSeconds - 301 }), NOW, en);
    expect(view).toMatchObject({ kind: 'signedIn', badgeText: '', mfaMinutesLeft: null });
    expect(view.title).toBe('Portal Launcher: signed in as Alice Example.');
  });

  it('A4: MFA fresh shows the minutes left, rounded down, until max_age has passed', () => {
    const view = toolbarView(signedIn({ mfaAuthTime: nowSeconds - 61 }), NOW, en);
    expect(view).toMatchObject({ kind: 'mfaFresh', badgeText: '3m', badgeColor: BADGE_COLORS.mfaFresh });
    expect(view.mfaMinutesLeft).toBe(3);
    expect(view.title).toBe(
      'Portal Launcher: signed in as Alice Example. Second factor verified, 3 min left.',
    );
    expect(mfaMinutesLeft(nowSeconds, 300, NOW)).toBe(5);
    // An auth_time ahead of this clock never counts more than the window (was "6 min left").
    expect(mfaMinutesLeft(nowSeconds + 50, 300, NOW)).toBe(5);
    expect(mfaMinutesLeft(nowSeconds - 299, 300, NOW)).toBe(0);
    expect(mfaMinutesLeft(nowSeconds - 300, 300, NOW)).toBeNull();
    expect(mfaMinutesLeft(null, 300, NOW)).toBeNull();
  });

  it('C3: an unreachable portal wins over MFA fresh and says launching needs the portal', () => {
    const view = toolbarView(signedIn({ mfaAuthTime: nowSeconds, portalUnreachable: true }), NOW, en);
    expect(view).toMatchObject({ kind: 'unreachable', badgeText: '!', badgeColor: BADGE_COLORS.unreachable });
    expect(view.title).toContain('cannot be reached');
    // Still counted, so the minute alarm keeps running while the factor is fresh.
    expect(view.mfaMinutesLeft).toBe(5);
  });

  it('every state has a whole sentence in every shipped language, badges at most 4 characters', () => {
    const inputs: ToolbarInput[] = [
      { kind: 'unconfigured' },
      { kind: 'signedOut' },
      signedIn(),
      signedIn({ mfaAuthTime: nowSeconds }),
      signedIn({ portalUnreachable: true }),
    ];
    for (const locale of SUPPORTED_LOCALES) {
      const translate = translator(locale);
      for (const input of inputs) {
        const view = toolbarView(input, NOW, translate);
        expect(view.title).not.toMatch(/\$[A-Z]+\$/);
        if (input.kind === 'signedIn') expect(view.title).toContain('Alice Example');
        expect(view.badgeText.length).toBeLessThanOrEqual(4);
      }
      expect(toolbarView(signedIn({ mfaAuthTime: nowSeconds }), NOW, translate).badgeText).toContain('5');
    }
  });

  it('white badge text is readable on both badge colours (≥ 4.5:1)', async () => {
    const { contrastRatio } = await import('../catalog/tile.ts');
    for (const color of Object.values(BADGE_COLORS))
      expect(contrastRatio(color, '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });
});

describe('applying the toolbar state', () => {
  function fakeApis() {
    const calls: string[] = [];
    const alarms = new Map<string, { periodInMinutes?: number }>();
    const apis: ToolbarApis = {
      action: {
        setBadgeText: async ({ text }) => void calls.push(`text:${text}`),
        setBadgeBackgroundColor: async ({ color }) => void calls.push(`color:${String(color)}`),
        setTitle: async ({ title }) => void calls.push(`title:${title}`),
      },
      alarms: {
        create: async (name: string, info: { periodInMinutes?: number }) => {
          calls.push(`create:${name}`);
          alarms.set(name, info);
        },
        clear: async (name: string) => alarms.delete(name),
        get: async (name: string) =>
          alarms.has(name) ? { name, scheduledTime: 0, ...alarms.get(name) } : undefined,
      } as unknown as ToolbarApis['alarms'],
    };
    return { apis, calls, alarms };
  }

  it('sets badge, colour and title, and runs a one-minute alarm only while MFA is fresh', async () => {
    const { apis, calls, alarms } = fakeApis();
    await applyToolbarView(apis, toolbarView(signedIn({ mfaAuthTime: nowSeconds }), NOW, en));
    expect(calls).toContain('text:5m');
    expect(calls).toContain(`color:${BADGE_COLORS.mfaFresh}`);
    expect(alarms.get(TOOLBAR_ALARM)).toEqual({ periodInMinutes: 1 });
    // A second update does not recreate (and so postpone) the running alarm.
    await applyToolbarView(apis, toolbarView(signedIn({ mfaAuthTime: nowSeconds - 60 }), NOW, en));
    expect(calls.filter((call) => call === `create:${TOOLBAR_ALARM}`)).toHaveLength(1);
    await applyToolbarView(apis, toolbarView({ kind: 'signedOut' }, NOW, en));
    expect(alarms.has(TOOLBAR_ALARM)).toBe(false);
    expect(calls.at(-1)).toMatch(/^title:|^text:|^color:/);
  });

  it('never throws when the browser refuses an update', async () => {
    const { apis } = fakeApis();
    apis.action.setTitle = async () => {
      throw new Error('gone');
    };
    await expect(
      applyToolbarView(apis, toolbarView({ kind: 'signedOut' }, NOW, en)),
    ).resolves.toBeUndefined();
  });
});
