import { useEffect, useState } from 'preact/hooks';
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

/**
 * Whether the popup's first frame is out. Until then an icon is an empty box of its size: setting
 * an image's `src` starts its load inside the render (a data URL is parsed at once, a remote one is
 * requested), which was ~40 % of the first render's time in a Chromium trace (bench/popup.ts,
 * issue 15), and no image decodes in time for the first frame anyway.
 */
let firstFrameOut = false;
if (typeof requestAnimationFrame === 'function') {
  requestAnimationFrame(() =>
    setTimeout(() => {
      firstFrameOut = true;
    }, 0),
  );
} else {
  firstFrameOut = true;
}

/** An app's icon, or the generated tile (initials on a colour from the name, WCAG AA with white). */
export function AppIcon({ app, size }: { app: PortalApp; size: number }) {
  const icon = safeIconUrl(app.iconUrl);
  // Preact runs effects after the frame is painted: the icon's address is set then.
  const [loadIcon, setLoadIcon] = useState(firstFrameOut);
  useEffect(() => {
    if (!loadIcon) setLoadIcon(true);
  }, [loadIcon]);
  if (icon) {
    // Fixed width and height reserve the space before the image loads (no layout shift).
    return (
      <img
        class="launcher-icon"
        loading="lazy"
        alt=""
        width={size}
        height={size}
        {...(loadIcon ? { src: icon } : {})}
      />
    );
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
