import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesReader, listTar, parseLabelMember, sampleKey, splitOfShard } from './tar.ts';

const hasTar = spawnSync('tar', ['--version']).status === 0;
if (!hasTar) console.warn('\n*** tar tests SKIPPED: GNU tar not found ***\n');

function makeTar(format: 'pax' | 'gnu' | 'ustar', files: Record<string, string>): Uint8Array {
  const dir = resolve('.cache/test-tar', format);
  rmSync(dir, { recursive: true, force: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const out = `${dir}.tar`;
  const run = spawnSync('tar', [`--format=${format}`, '-cf', out, '-C', dir, ...Object.keys(files)]);
  if (run.status !== 0) throw new Error(String(run.stderr));
  return new Uint8Array(readFileSync(out));
}

describe.skipIf(!hasTar)('listTar', () => {
  const longName = `${'deep/'.repeat(25)}ünïcødé-ファイル.png`;
  for (const format of ['pax', 'gnu'] as const) {
    it(`reads ${format} archives with long non-ASCII names, exact offsets and sizes`, async () => {
      const bytes = makeTar(format, { 'a/x.txt': 'hello', [longName]: 'png-ish', 'b/empty.jpg': '' });
      const entries = (await listTar(bytesReader(bytes), bytes.length)).filter((e) => e.kind === 'file');
      expect(entries.map((e) => [e.path, e.size])).toEqual([
        ['a/x.txt', 5],
        [longName, 7],
        ['b/empty.jpg', 0],
      ]);
      const hello = entries[0];
      expect(new TextDecoder().decode(bytes.subarray(hello.offset, hello.offset + hello.size))).toBe('hello');
    });
  }

  it('rejects a file that is not a tar', async () => {
    const junk = new Uint8Array(1024).fill(7);
    await expect(listTar(bytesReader(junk), junk.length)).rejects.toThrow('not a tar file');
  });
});

describe('WebDataset naming', () => {
  it('splits shard names and sample keys like WebDataset', () => {
    expect(
      ['train-000.tar', 'data/val_01.tar', 'test.tar', 'shard-000.tar', 'validation-1.tar'].map(splitOfShard),
    ).toEqual(['train', 'val', 'test', null, 'val']);
    expect(sampleKey('dir.v2/n0001.seg.png')).toEqual({ key: 'dir.v2/n0001', ext: 'seg.png' });
  });

  it('reads labels from .cls, .txt and .json members', () => {
    expect(parseLabelMember('cls', ' 7\n')).toEqual(['7']);
    expect(parseLabelMember('txt', 'golden retriever\n')).toEqual(['golden retriever']);
    expect(parseLabelMember('json', '{"labels": ["sky", 3]}')).toEqual(['sky', '3']);
    expect(parseLabelMember('json', '{"cls": 2}')).toEqual(['2']);
    expect(parseLabelMember('json', '4')).toEqual(['4']);
  });
});
