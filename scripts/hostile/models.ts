// Hostile model folders: a zoo model's files with a tampered model.json, shards or card.

import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { embedArgs, MODEL, writeGoodFolder } from './datasets.ts';
import type { HostileCase } from './types.ts';

const ZOO = resolve(import.meta.dirname, '../../models', MODEL);

interface ModelJson {
  weightsManifest: Array<{
    paths: string[];
    weights: Array<{ name: string; shape: number[]; dtype: string }>;
  }>;
}

export function modelCases(dir: string): HostileCase[] {
  const cases: HostileCase[] = [];
  const data = join(dir, 'model-data');
  writeGoodFolder(data);
  const add = (
    id: string,
    what: string,
    tamper: (folder: string, json: ModelJson) => ModelJson | string | null,
    mentions: string[],
  ) => {
    const folder = join(dir, id);
    cpSync(ZOO, folder, { recursive: true });
    const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as ModelJson;
    const changed = tamper(folder, json);
    if (changed !== null)
      writeFileSync(
        join(folder, 'model.json'),
        typeof changed === 'string' ? changed : JSON.stringify(changed),
      );
    cases.push({
      id,
      kind: 'model',
      what,
      argv: embedArgs(data, join(dir, `${id}.npy`), folder),
      outcome: 'error',
      mentions: ['ModelFormatError', ...mentions],
    });
  };
  add(
    'shard-3000',
    'model.json listing its shard 3,000 times',
    (_, j) => {
      const g = j.weightsManifest[0];
      g.paths = Array.from({ length: 3000 }, () => g.paths[0]);
      return j;
    },
    ['model.json', 'listed more than once'],
  );
  add(
    'weights-10g',
    'model.json declaring a weight of 10 GB',
    (_, j) => {
      j.weightsManifest[0].weights[0].shape = [50_000, 50_000];
      return j;
    },
    ['model.json', 'declares more than'],
  );
  add(
    'shard-dotdot',
    "model.json naming a shard '../card.json'",
    (_, j) => {
      j.weightsManifest[0].paths = ['../card.json'];
      return j;
    },
    ['model.json', 'refused shard path'],
  );
  add('model-json-junk', 'model.json that is not JSON', () => '{"format": "lab-resnet", ', [
    'model.json',
    'not valid JSON',
  ]);
  add(
    'shard-extra',
    'a shard 64 MiB longer than the manifest declares',
    (folder, j) => {
      const shard = join(folder, j.weightsManifest[0].paths.at(-1)!);
      writeFileSync(shard, Buffer.concat([readFileSync(shard), Buffer.alloc(64 * 2 ** 20)]));
      return null;
    },
    ['more than', 'the manifest declares'],
  );
  add(
    'shard-truncated',
    'a shard cut in half',
    (folder, j) => {
      const shard = join(folder, j.weightsManifest[0].paths[0]);
      const bytes = readFileSync(shard);
      writeFileSync(shard, bytes.subarray(0, bytes.length >> 1));
      return null;
    },
    ['truncated'],
  );
  add(
    'shard-tampered',
    'a shard with one byte changed',
    (folder, j) => {
      const shard = join(folder, j.weightsManifest[0].paths[0]);
      const bytes = readFileSync(shard);
      bytes[100] ^= 0xff;
      writeFileSync(shard, bytes);
      return null;
    },
    ['weights hash mismatch'],
  );
  add(
    'shard-missing',
    'a shard that does not exist',
    (_, j) => {
      j.weightsManifest[0].paths = [...j.weightsManifest[0].paths, 'group1-shard9of9.bin'];
      return j;
    },
    ['group1-shard9of9.bin'],
  );
  return cases;
}
