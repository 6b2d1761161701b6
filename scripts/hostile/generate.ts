// Generates the hostile-input suite into a folder (default .cache/hostile): checkpoints, archives, images,
// label files, model folders and permalinks, each with the outcome the CLI must reach. Run directly
// (`npx tsx scripts/hostile/generate.ts [dir]`) to inspect the files; hostile.test.ts generates and runs them.

import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { archiveCases } from './archives.ts';
import { checkpointCases } from './checkpoints.ts';
import { imageCases } from './images.ts';
import { labelCases } from './labels.ts';
import { modelCases } from './models.ts';
import { permalinkCases } from './permalinks.ts';
import type { HostileCase } from './types.ts';

export function generateHostileSuite(dir: string): HostileCase[] {
  rmSync(dir, { recursive: true, force: true });
  const groups = {
    checkpoints: checkpointCases,
    archives: archiveCases,
    images: imageCases,
    labels: labelCases,
    models: modelCases,
    permalinks: permalinkCases,
  };
  const cases: HostileCase[] = [];
  for (const [name, make] of Object.entries(groups)) {
    const sub = join(dir, name);
    mkdirSync(sub, { recursive: true });
    cases.push(...make(sub));
  }
  return cases;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = resolve(process.argv[2] ?? '.cache/hostile');
  const cases = generateHostileSuite(dir);
  for (const c of cases)
    console.log(`${c.kind.padEnd(10)} ${c.id.padEnd(24)} ${c.outcome.padEnd(5)} ${c.what}`);
  console.log(`${cases.length} cases in ${dir}`);
}
