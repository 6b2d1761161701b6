// Large image-folder datasets for scale tests, derived from real photos: Fashion-MNIST product photos
// (Debian's dataset-fashion-mnist, MIT, Zalando SE) with a seeded random crop, resize, flip and colour shift,
// written as RGB PNGs in class folders. Derived rather than purely synthetic so that decoding, resizing and
// the probes see real image statistics; seeded so every run of a test sees the same bytes.
//
//   npx tsx scripts/datasets/make-synthetic.ts --out .cache/datasets/fmnist-20k --count 20000 --size 32

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { encode } from 'fast-png';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_CLASSES = [
  'tshirt-top',
  'trouser',
  'pullover',
  'dress',
  'coat',
  'sandal',
  'shirt',
  'sneaker',
  'bag',
  'ankle-boot',
] as const;

export interface SyntheticOptions {
  /** Dataset folder to write (class subfolders inside). */
  out: string;
  /** Number of images in all. */
  count: number;
  /** Side of the square output images, pixels. */
  size?: number;
  seed?: number;
  /** Which Fashion-MNIST file the photos come from. */
  split?: 'train' | 't10k';
  /** Use only the first `classes` classes (all 10 by default). */
  classes?: number;
}

interface Manifest {
  count: number;
  size: number;
  seed: number;
  split: string;
  classes: number;
}

interface Idx {
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
  side: number;
}

/** Why the generator cannot run here, or null. Tests skip loudly on a reason. */
export function syntheticUnavailableReason(split: 'train' | 't10k' = 't10k'): string | null {
  const file = join(FASHION_MNIST_DIR, `${split}-images-idx3-ubyte.gz`);
  return existsSync(file) ? null : `${file} is missing: apt-get install dataset-fashion-mnist`;
}

function readIdx(split: 'train' | 't10k'): Idx {
  const images = gunzipSync(readFileSync(join(FASHION_MNIST_DIR, `${split}-images-idx3-ubyte.gz`)));
  const labels = gunzipSync(readFileSync(join(FASHION_MNIST_DIR, `${split}-labels-idx1-ubyte.gz`)));
  const view = new DataView(images.buffer, images.byteOffset, images.byteLength);
  if (view.getUint32(0) !== 2051) throw new Error(`${split} images: not an idx3 file`);
  const n = view.getUint32(4);
  const side = view.getUint32(8);
  return { images: images.subarray(16), labels: labels.subarray(8), n, side };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One derived image: crop of the greyscale photo, bilinear resize to size×size, optional flip, colour shift. */
function derive(idx: Idx, index: number, size: number, random: () => number): Uint8Array {
  const photo = idx.images.subarray(index * idx.side * idx.side, (index + 1) * idx.side * idx.side);
  const crop = Math.round(idx.side * (0.75 + 0.25 * random()));
  const x0 = Math.floor(random() * (idx.side - crop + 1));
  const y0 = Math.floor(random() * (idx.side - crop + 1));
  const flip = random() < 0.5;
  const gain = [0, 1, 2].map(() => 0.55 + 0.6 * random());
  const offset = [0, 1, 2].map(() => Math.round((random() - 0.5) * 50));
  const rgb = new Uint8Array(size * size * 3);
  const scale = crop / size;
  const at = (x: number, y: number) => photo[(y0 + y) * idx.side + x0 + x];
  for (let y = 0; y < size; y++) {
    const sy = Math.min(crop - 1, Math.max(0, (y + 0.5) * scale - 0.5));
    const yA = Math.floor(sy);
    const yB = Math.min(crop - 1, yA + 1);
    const fy = sy - yA;
    for (let x = 0; x < size; x++) {
      const sxRaw = Math.min(crop - 1, Math.max(0, (x + 0.5) * scale - 0.5));
      const sx = flip ? crop - 1 - sxRaw : sxRaw;
      const xA = Math.floor(sx);
      const xB = Math.min(crop - 1, xA + 1);
      const fx = sx - xA;
      const top = at(xA, yA) * (1 - fx) + at(xB, yA) * fx;
      const bottom = at(xA, yB) * (1 - fx) + at(xB, yB) * fx;
      const grey = top * (1 - fy) + bottom * fy;
      for (let c = 0; c < 3; c++) {
        rgb[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(grey * gain[c] + offset[c])));
      }
    }
  }
  return encode({ width: size, height: size, data: rgb, channels: 3, depth: 8 });
}

function manifestPath(out: string): string {
  return `${resolve(out)}.manifest.json`;
}

function isComplete(out: string, want: Manifest): boolean {
  const path = manifestPath(out);
  if (!existsSync(path)) return false;
  const have = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  return JSON.stringify(have) === JSON.stringify(want);
}

function writeImages(idx: Idx, root: string, want: Manifest): void {
  const classes = FASHION_CLASSES.slice(0, want.classes);
  for (const name of classes) mkdirSync(join(root, name), { recursive: true });
  const random = mulberry32(want.seed);
  let written = 0;
  for (let i = 0; written < want.count; i++) {
    const index = i % idx.n;
    const label = idx.labels[index];
    if (label >= classes.length) continue;
    const file = join(root, classes[label], `${String(written).padStart(6, '0')}.png`);
    writeFileSync(file, derive(idx, index, want.size, random));
    written += 1;
  }
}

/**
 * Writes the dataset unless an identical one is already there; returns its absolute path.
 * Images are taken from the photo file in order (wrapping), balanced by whatever the file holds;
 * the manifest (next to the folder, not inside it, so it is not an input file) marks completion.
 */
export function makeSyntheticDataset(opts: SyntheticOptions): string {
  const want: Manifest = {
    count: opts.count,
    size: opts.size ?? 32,
    seed: opts.seed ?? 0,
    split: opts.split ?? 't10k',
    classes: opts.classes ?? FASHION_CLASSES.length,
  };
  const root = resolve(opts.out);
  if (isComplete(root, want)) return root;
  const reason = syntheticUnavailableReason(want.split as 'train' | 't10k');
  if (reason) throw new Error(reason);
  // Written aside and moved into place: a test run in parallel (e.g. the whole suite) never reads half a dataset.
  const staging = `${root}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  writeImages(readIdx(want.split as 'train' | 't10k'), staging, want);
  if (isComplete(root, want)) {
    rmSync(staging, { recursive: true, force: true });
    return root;
  }
  rmSync(manifestPath(root), { force: true });
  rmSync(root, { recursive: true, force: true });
  renameSync(staging, root);
  writeFileSync(manifestPath(root), `${JSON.stringify(want)}\n`);
  return root;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      count: { type: 'string', default: '20000' },
      size: { type: 'string', default: '32' },
      seed: { type: 'string', default: '0' },
      split: { type: 'string', default: 't10k' },
      classes: { type: 'string', default: String(FASHION_CLASSES.length) },
    },
  });
  if (!values.out) throw new Error('--out <folder> is required');
  if (values.split !== 'train' && values.split !== 't10k') throw new Error('--split must be train or t10k');
  const started = Date.now();
  const root = makeSyntheticDataset({
    out: values.out,
    count: Number(values.count),
    size: Number(values.size),
    seed: Number(values.seed),
    split: values.split,
    classes: Number(values.classes),
  });
  console.log(`${root}: ${values.count} images in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename ?? '')) main();
