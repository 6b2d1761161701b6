// Writes index.json for a demo dataset folder so httpDatasetSource can list it without directory listings.
// Usage: node --import tsx scripts/datasets/write-index.ts public/datasets/<name>
//   (or: npx tsx scripts/datasets/write-index.ts <folder>). labels.csv / splits.csv in the folder are embedded.

import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { DatasetIndex } from '../../src/platform/http.ts';
import { LABELS_FILE, SPLITS_FILE, walkFolder } from '../../src/platform/node/folder.ts';

export async function writeIndex(dir: string): Promise<DatasetIndex> {
  const skip = new Set(['index.json', LABELS_FILE, SPLITS_FILE]);
  const files = (await walkFolder(dir)).filter((f) => !f.path.endsWith('/') && !skip.has(f.path));
  const index: DatasetIndex = { name: basename(dir), files };
  const labels = await readFile(join(dir, LABELS_FILE), 'utf8').catch(() => undefined);
  const splits = await readFile(join(dir, SPLITS_FILE), 'utf8').catch(() => undefined);
  if (labels) index.labelsCsv = labels;
  if (splits) index.splitList = splits;
  await writeFile(join(dir, 'index.json'), `${JSON.stringify(index, null, 1)}\n`);
  return index;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: npx tsx scripts/datasets/write-index.ts <dataset folder>');
    process.exit(2);
  }
  const index = await writeIndex(dir);
  console.log(`${join(dir, 'index.json')}: ${index.files.length} files`);
}
