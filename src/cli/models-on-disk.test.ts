import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelIdsFromArg } from './models-on-disk.ts';

const dir = mkdtempSync(join(tmpdir(), 'tlab-catalog-'));
writeFileSync(
  join(dir, 'catalog.json'),
  JSON.stringify({ formatVersion: 1, embedded: ['zoo-a', 'zoo-b'], imported: ['photo-c'], models: [] }),
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--models', () => {
  it('defaults to the zoo; all = the zoo and the imported photo-trained models; else a comma list', async () => {
    expect(await modelIdsFromArg(undefined, dir)).toEqual(['zoo-a', 'zoo-b']);
    expect(await modelIdsFromArg('all', dir)).toEqual(['zoo-a', 'zoo-b', 'photo-c']);
    expect(await modelIdsFromArg('zoo-b,,photo-c', dir)).toEqual(['zoo-b', 'photo-c']);
  });

  it('the repository catalog: all = the four zoo ResNets and the three nsfwjs CNNs', async () => {
    const all = await modelIdsFromArg('all');
    expect(all).toHaveLength(7);
    expect(all.filter((id) => id.startsWith('nsfwjs-'))).toEqual([
      'nsfwjs-mobilenetv2',
      'nsfwjs-mobilenetv2-mid',
      'nsfwjs-inceptionv3',
    ]);
  });
});
