/**
 * Progressive rendering of the launcher's tiles (issue 15): the first screen
 * in the first frame, the rest in short tasks once it is painted, so the
 * first frame is not held back and keystrokes are handled in between.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { LauncherSection } from './sections.ts';

/**
 * Tiles rendered in the first frame: what the 560 px popup shows below its
 * search bar and above its account footer (grid: 3 columns × 3–4 rows; list:
 * about 9 rows), so a catalog of thousands paints its first screen without
 * waiting for every tile. Measured (bench/popup.ts, Chromium trace CPU time,
 * 1,000 apps): 24 tiles cost 32.6 ms of main-thread CPU from the module's
 * start to the first paint, 12 tiles 24.3 ms; the popup showing no tiles 7 ms.
 */
export const FIRST_FRAME_TILES = 12;
/**
 * Tiles added per task after the first frame. Measured (bench/popup.ts): all
 * 1,000 tiles at once held the main thread for about half a second (render,
 * then style and layout), so the first screen reached the display late and
 * typing was ignored meanwhile. 100 per task keeps each task near 20 ms.
 */
const TILES_PER_TASK = 100;

/**
 * The part of `sections` to render now: {@link FIRST_FRAME_TILES} tiles first, then more per task.
 * `list` names what is listed (the search query, empty for all apps): another list starts again
 * from its first screen, so the first keystroke renders a dozen results in its frame, not every
 * result at once (measured, 1,000 apps: the results' frame took about 300 ms, mostly rendering
 * and laying out 200 tiles).
 */
export function useProgressiveSections(
  sections: readonly LauncherSection[],
  list: string,
): LauncherSection[] {
  const [progress, setProgress] = useState({ list, tileLimit: FIRST_FRAME_TILES });
  const tileLimit = progress.list === list ? progress.tileLimit : FIRST_FRAME_TILES;
  const totalTiles = sections.reduce((sum, section) => sum + section.apps.length, 0);
  useEffect(() => {
    if (tileLimit >= totalTiles) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setProgress({ list, tileLimit: tileLimit + TILES_PER_TASK }), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [list, tileLimit, totalTiles]);
  return useMemo(() => {
    let budget = tileLimit;
    const rendered: LauncherSection[] = [];
    for (const section of sections) {
      if (budget <= 0) break;
      rendered.push(
        section.apps.length <= budget ? section : { ...section, apps: section.apps.slice(0, budget) },
      );
      budget -= section.apps.length;
    }
    return rendered;
  }, [sections, tileLimit]);
}
