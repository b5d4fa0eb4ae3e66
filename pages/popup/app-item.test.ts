import { describe, expect, it } from 'vitest';
import type { PortalApp } from '../../contract/schemas.ts';
import { type AppItemProps, sameAppItem } from './app-item.tsx';

const app = { id: 'payroll', name: 'Payroll' } as PortalApp;
const noop = () => undefined;
const base: AppItemProps = {
  app,
  view: 'grid',
  highlights: null,
  mfa: { kind: 'verified', minutesLeft: 4 },
  pin: 'none',
  tabbable: false,
  busy: false,
  selected: false,
  onLaunch: noop,
  onOpenDetails: noop,
  onTogglePin: noop,
  onFocusTile: noop,
};

describe('sameAppItem (issue 15: a tile renders again only when what it shows changed)', () => {
  it('is the same tile with equal props and an MFA state rebuilt with the same value', () => {
    expect(sameAppItem(base, { ...base, mfa: { kind: 'verified', minutesLeft: 4 } })).toBe(true);
  });

  it('is another tile when anything it shows or does changed', () => {
    const changes: Partial<AppItemProps>[] = [
      { app: { ...app } },
      { view: 'list' },
      { highlights: { name: [[0, 1]] } as unknown as AppItemProps['highlights'] },
      { mfa: { kind: 'verified', minutesLeft: 3 } },
      { mfa: { kind: 'needed' } },
      { pin: 'favorite' },
      { tabbable: true },
      { busy: true },
      { selected: true },
      { onLaunch: () => undefined },
      { onOpenDetails: () => undefined },
      { onTogglePin: () => undefined },
      { onFocusTile: () => undefined },
    ];
    for (const change of changes)
      expect(sameAppItem(base, { ...base, ...change }), JSON.stringify(change)).toBe(false);
  });
});
