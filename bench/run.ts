/**
 * `npm run bench`: runs every benchmark script in turn, each in its own
 * process so one's warm caches and heap do not colour another's figures.
 * Benchmarks print figures; they never pass or fail on wall-clock time.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The popup's floors (--floor) put its ratios in context: what our bundle costs to wake, and what
// painting its first screen costs however it is made.
const scripts = [['search.ts'], ['portal.ts'], ['popup.ts', '--floor']] as const;
let failed = false;
for (const [script, ...args] of scripts) {
  const path = fileURLToPath(new URL(script, import.meta.url));
  console.log(`\n=== bench/${script} ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path, ...args], { stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
