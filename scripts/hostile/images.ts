// Hostile images in an otherwise good dataset folder: PNG bombs and lying headers, broken JPEGs, odd names.

import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deflate, zlibSync } from 'fflate';
import { embedArgs, GOOD_KEYS, writeGoodFolder } from './datasets.ts';
import type { HostileCase } from './types.ts';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function ihdr(width: number, height: number, depth = 8, colourType = 2): Uint8Array {
  const d = new Uint8Array(13);
  const v = new DataView(d.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  d[8] = depth;
  d[9] = colourType;
  return chunk('IHDR', d);
}

const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function png(...chunks: Uint8Array[]): Uint8Array {
  return concat([SIGNATURE, ...chunks]);
}

/**
 * A zlib stream of `total` zero bytes in ~1/1000 of that: one MiB of zeros compressed and sync-flushed to a
 * byte boundary, that segment repeated (its back-references only ever reach zeros), then an empty final block.
 */
function zlibZeros(total: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const d = new Deflate({ level: 9 }, (c) => parts.push(c));
  d.push(new Uint8Array(2 ** 20), false);
  d.flush(true);
  const segment = concat(parts);
  const repeats = Math.ceil(total / 2 ** 20);
  const out: Uint8Array[] = [Uint8Array.from([0x78, 0xda])];
  for (let i = 0; i < repeats; i++) out.push(segment);
  out.push(Uint8Array.from([0x03, 0x00]), new Uint8Array(4)); // final empty block; Adler-32 never reached
  return concat(out);
}

function rgbIdat(width: number, height: number): Uint8Array {
  const raw = new Uint8Array(height * (1 + width * 3));
  for (let i = 0; i < raw.length; i++) raw[i] = i % (1 + width * 3) === 0 ? 0 : (i * 7) & 0xff;
  return chunk('IDAT', zlibSync(raw));
}

const IEND = chunk('IEND', new Uint8Array(0));

function jpegHeaderOnly(width: number, height: number): Uint8Array {
  // SOI, SOF0 with the given size and 3 components, then EOI: refused (or failed) before any pixel.
  const sof = [
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x03,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ];
  return Uint8Array.from([0xff, 0xd8, ...sof, 0xff, 0xd9]);
}

/** A PNG whose header says 1000×1000 and whose image data inflates to 2 GiB (about 2 MB on disk). */
export function pngBomb(): Uint8Array {
  return png(ihdr(1000, 1000), chunk('IDAT', zlibZeros(2 ** 31)), IEND);
}

/** A 40×40 PNG with a second IHDR claiming 100 megapixels. */
export function pngSecondIhdr(): Uint8Array {
  return png(ihdr(40, 40), ihdr(10_000, 10_000), rgbIdat(40, 40), IEND);
}

export function imageCases(dir: string): HostileCase[] {
  const cases: HostileCase[] = [];
  const add = (id: string, what: string, name: string, bytes: Uint8Array, mentions: string[]) => {
    const root = join(dir, id);
    writeGoodFolder(root);
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), bytes);
    const out = join(dir, `${id}.npy`);
    cases.push({
      id,
      kind: 'image',
      what,
      argv: embedArgs(root, out),
      outcome: 'skip',
      mentions: [name, ...mentions],
      out,
      rows: GOOD_KEYS,
    });
  };

  add('png-bomb', 'a 2 MB PNG whose image data inflates to 2 GiB', 'cat/bomb.png', pngBomb(), [
    'inflates past',
  ]);
  add('png-second-ihdr', 'a PNG whose second IHDR claims 100 megapixels', 'cat/ihdr2.png', pngSecondIhdr(), [
    'second IHDR',
  ]);
  add(
    'png-huge',
    'a PNG header of 60 megapixels',
    'cat/huge.png',
    png(ihdr(10_000, 6_000), rgbIdat(4, 4), IEND),
    ['over 50 megapixels'],
  );
  add('png-width-zero', 'a PNG of width 0', 'cat/zero.png', png(ihdr(0, 40), rgbIdat(4, 4), IEND), [
    'corrupt or truncated',
  ]);
  add(
    'png-chunk-past-end',
    'a PNG chunk whose length runs past the end',
    'cat/long.png',
    concat([
      png(ihdr(40, 40)),
      Uint8Array.from([0x7f, 0xff, 0xff, 0xff]),
      new TextEncoder().encode('IDAT'),
      new Uint8Array(100),
    ]),
    ['runs past the end'],
  );
  add('png-no-idat', 'a PNG without image data', 'cat/noidat.png', png(ihdr(40, 40), IEND), [
    'no image data',
  ]);
  add(
    'png-idat-first',
    'a PNG whose image data comes before IHDR',
    'cat/first.png',
    png(rgbIdat(40, 40), ihdr(40, 40), IEND),
    ['no valid image header'],
  );
  add(
    'png-truncated',
    'a PNG cut inside its image data',
    'cat/cut.png',
    png(ihdr(64, 64), rgbIdat(64, 64)).subarray(0, 200),
    ['corrupt or truncated'],
  );
  add(
    'png-bad-depth',
    'a PNG with bit depth 7',
    'cat/depth.png',
    png(ihdr(40, 40, 7), rgbIdat(40, 40), IEND),
    ['bit depth'],
  );
  add(
    'png-short-data',
    'a PNG whose image data holds half the rows',
    'cat/short.png',
    png(ihdr(40, 80), rgbIdat(40, 40), IEND),
    ['corrupt or truncated'],
  );
  add('jpeg-huge', 'a JPEG header of 65,535 × 65,535', 'dog/huge.jpg', jpegHeaderOnly(65_535, 65_535), [
    'over 50 megapixels',
  ]);
  add('jpeg-header-only', 'a JPEG with a frame header and no scan', 'dog/empty.jpg', jpegHeaderOnly(64, 64), [
    'corrupt or truncated',
  ]);
  add(
    'jpeg-junk',
    'a JPEG signature followed by junk',
    'dog/junk.jpg',
    Uint8Array.from([0xff, 0xd8, 0xff, 0x00, 1, 2, 3, 4, 5, 6, 7, 8]),
    ['corrupt or truncated'],
  );
  add('zero-bytes', 'an empty .png file', 'dog/empty.png', new Uint8Array(0), ['zero-byte file']);
  add('not-image', 'a .jpg that is text', 'dog/text.jpg', new TextEncoder().encode('hello, not an image'), [
    'not an image',
  ]);
  {
    // A valid image whose name holds a newline and a terminal escape: its row must stay in step.
    const id = 'name-newline';
    const root = join(dir, id);
    writeGoodFolder(root);
    const name = 'dog/d3\n\u001b[31mred.png';
    writeFileSync(join(root, name), GOOD_PNG_FOR_NAME());
    const out = join(dir, `${id}.npy`);
    cases.push({
      id,
      kind: 'image',
      what: 'a good image named with a newline and an escape code',
      argv: embedArgs(root, out),
      outcome: 'skip',
      mentions: [],
      out,
      rows: [...GOOD_KEYS, name].sort(),
    });
  }
  {
    const id = 'dangling-link';
    const root = join(dir, id);
    writeGoodFolder(root);
    symlinkSync(join(root, 'nowhere.png'), join(root, 'dog/gone.png'));
    const out = join(dir, `${id}.npy`);
    cases.push({
      id,
      kind: 'image',
      what: 'a dangling symlink among the images',
      argv: embedArgs(root, out),
      outcome: 'skip',
      mentions: ['dog/gone.png', 'dangling symlink'],
      out,
      rows: GOOD_KEYS,
    });
  }
  {
    const id = 'link-loop';
    const root = join(dir, id);
    writeGoodFolder(root);
    symlinkSync('..', join(root, 'cat/loop'));
    const out = join(dir, `${id}.npy`);
    cases.push({
      id,
      kind: 'image',
      what: 'a symlink to its own parent folder',
      argv: embedArgs(root, out),
      outcome: 'skip',
      mentions: ['cat/loop', 'symlink loop'],
      out,
      rows: GOOD_KEYS,
    });
  }
  {
    const id = 'self-link';
    const root = join(dir, id);
    writeGoodFolder(root);
    symlinkSync('me.png', join(root, 'cat/me.png'));
    const out = join(dir, `${id}.npy`);
    cases.push({
      id,
      kind: 'image',
      what: 'a symlink pointing at itself',
      argv: embedArgs(root, out),
      outcome: 'skip',
      mentions: ['cat/me.png', 'symlink loop'],
      out,
      rows: GOOD_KEYS,
    });
  }
  return cases;
}

let goodForName: Uint8Array | null = null;
function GOOD_PNG_FOR_NAME(): Uint8Array {
  goodForName ??= png(ihdr(40, 40), rgbIdat(40, 40), IEND);
  return goodForName;
}
