import { initialsOf } from '../utils/auth/profile.ts';
import type { PortalApp } from '../utils/portal/schemas.ts';

export interface AppTileProps {
  app: PortalApp;
  busy: boolean;
  onLaunch(appId: string): void;
}

/** Only icons the popup can show without fetching from arbitrary places: https or inline images. */
function safeIcon(url: string | null): string | null {
  if (!url) return null;
  if (url.startsWith('data:image/') || url.startsWith('https://')) return url;
  return null;
}

/** A deterministic hue per app name, so initials tiles are told apart at a glance. */
function tileHue(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) % 360;
  return hash;
}

/** One assigned app: icon (or initials tile), name, and an MFA marker when it asks for a second factor. */
export function AppTile({ app, busy, onLaunch }: AppTileProps) {
  const icon = safeIcon(app.iconUrl);
  return (
    <li class="app">
      <button
        type="button"
        class="app-button"
        data-app-id={app.id}
        aria-busy={busy}
        disabled={busy}
        onClick={() => onLaunch(app.id)}
      >
        {icon ? (
          <img class="app-icon" src={icon} alt="" width={40} height={40} />
        ) : (
          <span
            class="app-icon app-initials"
            aria-hidden="true"
            style={{ background: `hsl(${tileHue(app.name)} 55% 36%)` }}
          >
            {initialsOf(app.name)}
          </span>
        )}
        <span class="app-name">{app.name}</span>
        {app.requiresMfa ? (
          // Visible "MFA" stays part of the accessible name (WCAG 2.5.3), with its meaning spelled out.
          <span class="app-mfa" title="Asks for your second factor">
            MFA<span class="visually-hidden"> required</span>
          </span>
        ) : null}
      </button>
    </li>
  );
}
