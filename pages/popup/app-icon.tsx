import type { PortalApp } from '../../contract/schemas.ts';
import { appInitials, tileColor } from '../../utils/catalog/tile.ts';

/**
 * Only icons the popup can show without reaching arbitrary places: `https:`
 * or inline raster images. An SVG data URL is refused too: it is a document,
 * and an icon has no need for one.
 */
export function safeIconUrl(url: string | null): string | null {
  if (!url) return null;
  if (/^data:image\/(png|jpeg|gif|webp);/i.test(url) || url.startsWith('https://')) return url;
  return null;
}

/** An app's icon, or the generated tile (initials on a colour from the name, WCAG AA with white). */
export function AppIcon({ app, size }: { app: PortalApp; size: number }) {
  const icon = safeIconUrl(app.iconUrl);
  if (icon) {
    // Fixed width and height reserve the space before the image loads (no layout shift).
    return <img class="launcher-icon" src={icon} alt="" width={size} height={size} loading="lazy" />;
  }
  return (
    <span
      class="launcher-icon launcher-initials"
      aria-hidden="true"
      dir="auto"
      style={{ background: tileColor(app.name), width: `${size}px`, height: `${size}px` }}
    >
      {appInitials(app.name)}
    </span>
  );
}
