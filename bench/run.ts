/**
 * `npm run bench`: runs every benchmark script in turn, each in its own
 * process so one's warm caches and heap do not colour another's figures.
 * Benchmarks print figures; they never pass or fail on wall-clock time.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const scripts = ['search.ts', 'portal.ts', 'popup.ts'];
let failed = false;
for (const script of scripts) {
  const path = fileURLToPath(new URL(script, import.meta.url));
  console.log(`\n=== bench/${script} ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path], { stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
