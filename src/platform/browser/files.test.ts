// Node 20 has File and Blob, so the browser sources are tested here on real bytes (no DOM needed).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFolderSource } from '../node/folder.ts';
import { jpegBytes, pngBytes, tarFolder, writeTree } from '../node/test-fixtures.ts';
import { fileListSource, stripCommonRoot, tarFilesSource } from './files.ts';

const TREE = {
  'train/cat/1.png': pngBytes(1),
  'train/dog/2.jpg': jpegBytes(2),
  'test/cat/3.png': pngBytes(3),
  'test/dog/4 ü.jpg': jpegBytes(4),
  'labels.csv':
    'train/cat/1.png,cat;pet\ntrain/dog/2.jpg,dog;pet\ntest/cat/3.png,cat\ntest/dog/4 ü.jpg,dog\n',
};

describe('fileListSource (folder drop / webkitdirectory)', () => {
  it('strips the dropped folder name only when every path has it', () => {
    expect(stripCommonRoot(['pets/a/1.png', 'pets/b/2.png'])).toEqual(['a/1.png', 'b/2.png']);
    expect(stripCommonRoot(['a/1.png', 'b/2.png'])).toEqual(['a/1.png', 'b/2.png']);
  });

  it('lists like the Node folder source (labels.csv picked up) and reads bytes', async () => {
    const root = writeTree('dropped', TREE);
    const files = Object.entries(TREE).map(([path, content]) => ({
      path: `dropped/${path}`,
      file: new File([content as BlobPart], path.split('/').pop()!),
    }));
    const browser = await fileListSource('dropped', files).list();
    const node = await nodeFolderSource(root).list();
    expect(browser.multiLabel).toBe(true);
    expect(browser.classNames).toEqual(['cat', 'dog', 'pet']);
    expect(browser.items).toEqual(node.items);
    expect(browser.fingerprint).toBe(node.fingerprint);
    expect(await fileListSource('dropped', files).read('test/dog/4 ü.jpg')).toEqual(jpegBytes(4));
  });
});

describe('tarFilesSource (shards picked in the browser)', () => {
  it('reads members piecewise through File.slice, same listing as the folder', async () => {
    const root = writeTree('dropped-tar', { 'cat/1.png': pngBytes(1), 'dog/2.png': pngBytes(2) });
    const tarPath = tarFolder(root, '.cache/test-datasets/tars/train-7.tar');
    const shard = new File([readFileSync(tarPath)], 'train-7.tar');
    const source = tarFilesSource('x', [shard]);
    const listing = await source.list();
    expect(listing.items.map((i) => [i.key, i.split, i.label])).toEqual([
      ['train/cat/1.png', 'train', 0],
      ['train/dog/2.png', 'train', 1],
    ]);
    expect(await source.read('train/dog/2.png')).toEqual(
      new Uint8Array(readFileSync(join(root, 'dog/2.png'))),
    );
  });
});
