// Converts every checkpoint of a zoo build (train-log.json + <id>.pth) with the lab's own CLI converter,
// the same `tlab convert` a user runs on a downloaded .pth, then lists the ids in models/catalog.json.
//
//   node --import tsx scripts/zoo/convert-zoo.ts [.cache/zoo] [models]

import { spawnSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  cardExtras,
  convertArgs,
  orderedIds,
  type TrainLog,
  type TrainLogEntry,
  withEmbedded,
} from './cards.ts';

const REPO = resolve(import.meta.dirname, '../..');
const TLAB = join(REPO, 'bin/tlab.js');

export async function readTrainLog(cacheDir: string): Promise<TrainLog> {
  return JSON.parse(await readFile(join(cacheDir, 'train-log.json'), 'utf8')) as TrainLog;
}

/** Runs `node bin/tlab.js convert …` for one model; throws with the CLI's output when it fails. */
export async function convertOne(entry: TrainLogEntry, cacheDir: string, modelsDir: string): Promise<string> {
  const cardFile = join(cacheDir, `${entry.id}.card-extras.json`);
  await writeFile(cardFile, `${JSON.stringify(cardExtras(entry), null, 2)}\n`);
  const outDir = join(modelsDir, entry.id);
  await rm(outDir, { recursive: true, force: true });
  const args = convertArgs(entry, join(cacheDir, `${entry.id}.pth`), outDir, cardFile);
  const run = spawnSync(process.execPath, [TLAB, ...args], { encoding: 'utf8' });
  if (run.status !== 0)
    throw new Error(`tlab ${args.join(' ')} failed (${run.status}):\n${run.stdout}${run.stderr}`);
  return outDir;
}

export async function listInCatalog(catalogPath: string, ids: string[]): Promise<void> {
  await writeFile(catalogPath, withEmbedded(await readFile(catalogPath, 'utf8'), ids));
}

async function main(cacheDir: string, modelsDir: string): Promise<void> {
  const log = await readTrainLog(cacheDir);
  const ids = orderedIds(log);
  for (const id of ids) console.log(`converted ${await convertOne(log[id], cacheDir, modelsDir)}`);
  await listInCatalog(join(modelsDir, 'catalog.json'), ids);
  console.log(`models/catalog.json embedded: ${ids.join(', ')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main(resolve(process.argv[2] ?? '.cache/zoo'), resolve(process.argv[3] ?? 'models'));
}
