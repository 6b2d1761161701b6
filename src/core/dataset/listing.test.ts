import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';
import { buildListing, kShotIssues, type ListedFile } from './listing.ts';

const f = (path: string, size = 100): ListedFile => ({ path, size });
const issueFor = (issues: { key: string; action: string; reason: string }[], key: string) =>
  issues.find((i) => i.key === key);

describe('buildListing: ImageFolder', () => {
  it('reads train/ valid/ test/ splits and sorts classes like torchvision (code points)', async () => {
    const listing = await buildListing('pets', [
      f('train/dog/1.jpg'),
      f('train/Cat/2.PNG'),
      f('train/cat/3.jpeg'),
      f('valid/dog/4.jpg'),
      f('test/cat/5.png'),
      f('test/Cat/6.png'),
      f('test/dog/7.jpg'),
    ]);
    expect(listing.classNames).toEqual(['Cat', 'cat', 'dog']);
    expect(listing.items.map((i) => [i.key, i.split, i.label])).toEqual([
      ['test/Cat/6.png', 'test', 0],
      ['test/cat/5.png', 'test', 1],
      ['test/dog/7.jpg', 'test', 2],
      ['train/Cat/2.PNG', 'train', 0],
      ['train/cat/3.jpeg', 'train', 1],
      ['train/dog/1.jpg', 'train', 2],
      ['valid/dog/4.jpg', 'val', 2],
    ]);
    expect(listing.multiLabel).toBe(false);
    expect(issueFor(listing.issues, 'Cat')?.reason).toBe('class has no images in val');
  });

  it('includes nested subfolders in their class and handles non-ASCII names', async () => {
    const listing = await buildListing('x', [
      f('chat/été/1.jpg'),
      f('ñandú/2.jpg'),
      f('éclair/3.jpg'),
      f('😀/4.png'),
    ]);
    expect(listing.classNames).toEqual(['chat', 'éclair', 'ñandú', '😀']);
    expect(listing.items.find((i) => i.key === 'chat/été/1.jpg')?.label).toBe(0);
    expect(listing.issues).toEqual([]);
  });

  it('ignores metadata files at the dataset root, but not elsewhere', async () => {
    const listing = await buildListing('x', [
      f('a/1.jpg'),
      f('b/2.jpg'),
      f('index.json'),
      f('README.md'),
      f('a/index.json'),
    ]);
    expect(listing.items.map((i) => i.key)).toEqual(['a/1.jpg', 'b/2.jpg']);
    expect(listing.issues).toEqual([
      { key: 'a/index.json', action: 'skipped', reason: 'not an image file (.json)' },
    ]);
  });

  it('skips hidden, non-image, unsupported and zero-byte files, each with a reason', async () => {
    const listing = await buildListing('x', [
      f('a/1.jpg'),
      f('b/2.jpg'),
      f('a/.DS_Store'),
      f('a/._1.jpg'),
      f('__MACOSX/a/1.jpg'),
      f('a/notes.txt'),
      f('a/anim.gif'),
      f('a/empty.png', 0),
      f('loose.jpg'),
    ]);
    expect(listing.items.map((i) => i.key)).toEqual(['a/1.jpg', 'b/2.jpg']);
    expect(listing.issues).toEqual([
      { key: 'a/.DS_Store', action: 'skipped', reason: 'hidden or system file' },
      { key: 'a/._1.jpg', action: 'skipped', reason: 'hidden or system file' },
      { key: '__MACOSX/a/1.jpg', action: 'skipped', reason: 'hidden or system file' },
      { key: 'a/notes.txt', action: 'skipped', reason: 'not an image file (.txt)' },
      {
        key: 'a/anim.gif',
        action: 'skipped',
        reason: '.gif images are not supported yet: convert to PNG or JPEG',
      },
      { key: 'a/empty.png', action: 'skipped', reason: 'zero-byte file' },
      { key: 'loose.jpg', action: 'skipped', reason: 'not inside a class folder' },
    ]);
  });

  it('warns about an empty class folder (bare folder or only skipped files) and leaves it out', async () => {
    const listing = await buildListing('x', [f('a/1.jpg'), f('b/2.jpg'), f('empty/'), f('junk/readme.md')]);
    expect(listing.classNames).toEqual(['a', 'b']);
    expect(issueFor(listing.issues, 'empty/')).toEqual({
      key: 'empty/',
      action: 'warned',
      reason: 'empty class folder (no usable images): left out',
    });
    expect(issueFor(listing.issues, 'junk/')?.action).toBe('warned');
  });

  it('warns about a single class and about no images at all', async () => {
    const one = await buildListing('x', [f('only/1.jpg'), f('only/2.jpg')]);
    expect(issueFor(one.issues, 'only')?.reason).toBe('only one class: a probe needs at least two');
    const none = await buildListing('nothing', [f('readme.txt')]);
    expect(issueFor(none.issues, 'nothing')?.reason).toBe('no usable images found');
  });

  it('warns about classes too small for k-shot, counting train images only', async () => {
    const files = [
      f('train/a/1.jpg'),
      f('train/a/2.jpg'),
      f('train/b/3.jpg'),
      f('test/b/4.jpg'),
      f('test/a/5.jpg'),
    ];
    const listing = await buildListing('x', files, { shots: 2 });
    expect(listing.issues.filter((i) => i.reason.includes('shot'))).toEqual([
      { key: 'b', action: 'warned', reason: 'only 1 images in train: too few for 2-shot' },
    ]);
    expect(kShotIssues(listing, 1)).toEqual([]);
  });

  it('warns when the same file (name and size) is in two splits', async () => {
    const listing = await buildListing('x', [
      f('train/a/img1.jpg', 500),
      f('train/b/img2.jpg', 600),
      f('test/a/img1.jpg', 500),
      f('test/b/img2.jpg', 601),
    ]);
    const dupes = listing.issues.filter(
      (i) => i.reason.includes('two splits') || i.reason.includes('same name'),
    );
    expect(dupes).toEqual([
      {
        key: 'train/a/img1.jpg',
        action: 'warned',
        reason: 'same name and size as test/a/img1.jpg: probably the same image in test and train',
      },
    ]);
  });

  it('skips files outside split folders when the set uses them', async () => {
    const listing = await buildListing('x', [f('train/a/1.jpg'), f('train/b/2.jpg'), f('extra/a/3.jpg')]);
    expect(issueFor(listing.issues, 'extra/a/3.jpg')?.reason).toBe('outside the train/ val/ test/ folders');
  });
});

describe('buildListing: labels CSV and split list', () => {
  it('reads multi-label rows (path,label1;label2), header optional, quoted paths', async () => {
    const csv = 'path,labels\nimgs/1.jpg,sky;sea\n"imgs/a,b.jpg",sea\nimgs/3.jpg,\nimgs/missing.jpg,sky\n';
    const listing = await buildListing(
      'x',
      [f('imgs/1.jpg'), f('imgs/a,b.jpg'), f('imgs/3.jpg'), f('imgs/4.jpg')],
      {
        labelsCsv: csv,
      },
    );
    expect(listing.multiLabel).toBe(true);
    expect(listing.classNames).toEqual(['sea', 'sky']);
    expect(listing.items.map((i) => [i.key, i.label, i.labels])).toEqual([
      ['imgs/1.jpg', -1, [0, 1]],
      ['imgs/3.jpg', -1, []],
      ['imgs/a,b.jpg', -1, [0]],
    ]);
    expect(issueFor(listing.issues, 'imgs/4.jpg')?.reason).toBe('no row for this file in the labels CSV');
    expect(issueFor(listing.issues, 'imgs/missing.jpg')?.reason).toBe('in the labels CSV but not found');
  });

  it('uses single-label CSV rows as plain labels, numeric class names in numeric order', async () => {
    const listing = await buildListing('x', [f('1.png'), f('2.png'), f('3.png')], {
      labelsCsv: '1.png,10\n2.png,2\n3.png,2\n',
    });
    expect(listing.multiLabel).toBe(false);
    expect(listing.classNames).toEqual(['2', '10']);
    expect(listing.items.map((i) => i.label)).toEqual([1, 0, 0]);
  });

  it('applies a split list over folders', async () => {
    const listing = await buildListing('x', [f('a/1.jpg'), f('b/2.jpg'), f('a/3.jpg')], {
      splitList: 'a/1.jpg,train\nb/2.jpg,validation\na/3.jpg,bogus\n',
    });
    expect(listing.items.map((i) => i.split)).toEqual(['train', null, 'val']);
    expect(issueFor(listing.issues, 'a/3.jpg')?.reason).toContain("unknown split 'bogus'");
  });
});

describe('fingerprint', () => {
  it('depends on paths, sizes and labels, not on listing order', async () => {
    const files = [f('a/1.jpg', 10), f('b/2.jpg', 20)];
    const base = await buildListing('x', files);
    expect(base.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect((await buildListing('other name', [...files].reverse())).fingerprint).toBe(base.fingerprint);
    expect((await buildListing('x', [f('a/1.jpg', 11), f('b/2.jpg', 20)])).fingerprint).not.toBe(
      base.fingerprint,
    );
    expect(
      (await buildListing('x', [f('a/1.jpg', 10), f('a/2.jpg', 20), f('b/3.jpg')])).fingerprint,
    ).not.toBe(base.fingerprint);
  });
});

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, CRLF and a BOM', () => {
    expect(parseCsv('\ufeffa,"b ""q"", c"\r\nx,y\n\n')).toEqual([
      ['a', 'b "q", c'],
      ['x', 'y'],
    ]);
  });
});
