import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeIndex } from '../../../scripts/datasets/write-index.ts';
import { httpDatasetSource } from '../http.ts';
import { decodeImageNode } from './decode.ts';
import { nodeFolderSource } from './folder.ts';
import { tarShardsSource } from './tar.ts';
import { jpegBytes, pngBytes, tarFolder, writeTree } from './test-fixtures.ts';

const TREE = {
  'train/cat/a1.png': pngBytes(1),
  'train/cat/été 2.jpg': jpegBytes(2),
  'train/dog/b1.png': pngBytes(3),
  'train/dog/b2.jpg': jpegBytes(4),
  'train/.DS_Store': 'x',
  'test/cat/c1.png': pngBytes(5),
  'test/dog/d1.jpg': jpegBytes(6),
  'test/dog/notes.txt': 'not an image',
};

describe('folder and tar shards of the same images', () => {
  const root = writeTree('pets', TREE);
  const whole = tarFolder(root, '.cache/test-datasets/tars/pets.tar');
  const train = tarFolder(join(root, 'train'), '.cache/test-datasets/tars/train-000.tar');
  const test = tarFolder(join(root, 'test'), '.cache/test-datasets/tars/test-000.tar');

  it('list identically (keys, labels, splits, issues, fingerprint) from a folder, one tar, split shards', async () => {
    const folder = await nodeFolderSource(root).list();
    const oneTar = await tarShardsSource([{ name: 'pets.tar', path: whole }], { name: 'pets' }).list();
    const shards = await tarShardsSource(
      [
        { name: 'train-000.tar', path: train },
        { name: 'test-000.tar', bytes: new Uint8Array(readFileSync(test)) },
      ],
      { name: 'pets' },
    ).list();
    expect(folder.classNames).toEqual(['cat', 'dog']);
    expect(folder.items.map((i) => i.key)).toEqual([
      'test/cat/c1.png',
      'test/dog/d1.jpg',
      'train/cat/a1.png',
      'train/cat/été 2.jpg',
      'train/dog/b1.png',
      'train/dog/b2.jpg',
    ]);
    expect(folder.issues.map((i) => i.key)).toEqual(['test/dog/notes.txt', 'train/.DS_Store']);
    for (const other of [oneTar, shards]) {
      expect(other.items).toEqual(folder.items);
      expect(other.classNames).toEqual(folder.classNames);
      expect(other.fingerprint).toBe(folder.fingerprint);
      expect([...other.issues].sort((a, b) => a.key.localeCompare(b.key))).toEqual(
        [...folder.issues].sort((a, b) => a.key.localeCompare(b.key)),
      );
    }
  });

  it('decode to the same pixels from every source', async () => {
    const sources = [
      nodeFolderSource(root),
      tarShardsSource([{ name: 'pets.tar', path: whole }]),
      tarShardsSource([
        { name: 'train-000.tar', path: train },
        { name: 'test-000.tar', path: test },
      ]),
    ];
    for (const key of ['train/cat/été 2.jpg', 'test/cat/c1.png']) {
      const [a, b, c] = await Promise.all(sources.map(async (s) => decodeImageNode(await s.read(key), key)));
      expect([a.width, a.height]).toEqual([24, 16]);
      expect(b.data).toEqual(a.data);
      expect(c.data).toEqual(a.data);
    }
  });
});

describe('WebDataset shards', () => {
  it('groups members by key and reads labels from .cls and .json; skips unlabelled samples', async () => {
    const dir = writeTree('wds', {
      '000001.png': pngBytes(1),
      '000001.cls': '1\n',
      '000002.jpg': jpegBytes(2),
      '000002.cls': '0',
      '000003.png': pngBytes(3),
      '000003.json': '{"label": 1, "caption": "x"}',
      '000004.png': pngBytes(4),
      '000004.meta.txt': 'ignored?',
    });
    const tar = tarFolder(dir, '.cache/test-datasets/tars/val-000.tar');
    const source = tarShardsSource([{ name: 'val-000.tar', path: tar }], { name: 'wds' });
    const listing = await source.list();
    expect(listing.classNames).toEqual(['0', '1']);
    expect(listing.items.map((i) => [i.key, i.label, i.split])).toEqual([
      ['val/000001.png', 1, 'val'],
      ['val/000002.jpg', 0, 'val'],
      ['val/000003.png', 1, 'val'],
    ]);
    expect(listing.issues).toEqual([
      {
        key: 'val/000004.png',
        action: 'skipped',
        reason: 'no label: no .cls/.json/.txt with the same key, no class folder',
      },
      { key: 'val/000004.meta.txt', action: 'skipped', reason: 'not an image file (.txt)' },
    ]);
    const img = await decodeImageNode(await source.read('val/000003.png'), 'val/000003.png');
    expect(img.width).toBe(24);
  });
});

describe('http demo source', () => {
  let server: ReturnType<typeof createServer>;
  let base = '';
  const root = writeTree('http-demo', {
    'a/1.png': pngBytes(1),
    'b/2.png': pngBytes(2),
    'b/ünï.png': pngBytes(3),
  });

  beforeAll(async () => {
    await writeIndex(root);
    server = createServer((req, res) => {
      try {
        const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(
          /^\/demo\//,
          '',
        );
        res.end(readFileSync(join(root, path)));
      } catch {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/demo/`;
  });
  afterAll(() => server.close());

  it('lists from index.json like the folder itself, and reads non-ASCII keys', async () => {
    const http = httpDatasetSource(base);
    const listing = await http.list();
    const folder = await nodeFolderSource(root).list();
    expect(listing.items).toEqual(folder.items);
    expect(listing.fingerprint).toBe(folder.fingerprint);
    expect(await http.read('b/ünï.png')).toEqual(pngBytes(3));
  });
});

describe('nodeFolderSource', () => {
  it('reports real empty class folders and refuses keys that leave the folder', async () => {
    const root = writeTree('with-empty', {
      'a/1.png': pngBytes(1),
      'b/2.png': pngBytes(2),
      'c/': '',
      'd/.DS_Store': 'x',
    });
    const source = nodeFolderSource(root);
    const listing = await source.list();
    expect(listing.classNames).toEqual(['a', 'b']);
    expect(listing.issues.filter((i) => i.reason.startsWith('empty class folder')).map((i) => i.key)).toEqual(
      ['c/', 'd/'],
    );
    await expect(source.read('../sources.test.ts')).rejects.toThrow('leaves the dataset folder');
  });
});
