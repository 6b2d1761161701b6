// A small colour-photo dataset for parity tests: seeded crops of the two CC-BY-2.0 Flickr photos that Debian's
// python3-sklearn ships (china.jpg, flower.jpg, 640×427), re-encoded as JPEG at varied sizes (40–96 px, not
// square), one class per (photo, quadrant). Real colour photo statistics at other sizes than the zoo's 32×32,
// and no train/ or test/ folders, so the lab plans the split itself. Test data only: nothing here ships.
//
//   npx tsx scripts/datasets/make-photo-crops.ts --out .cache/datasets/photo-crops --per-class 24

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import jpegJs from 'jpeg-js';

export const SKLEARN_IMAGES = '/usr/lib/python3/dist-packages/sklearn/datasets/images';
const PHOTOS = ['china', 'flower'] as const;
const QUADRANTS = ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const;

interface Photo {
  data: Uint8Array; // RGBA
  width: number;
  height: number;
}

/** Why the generator cannot run here, or null. Tests skip loudly on a reason. */
export function photoCropsUnavailableReason(): string | null {
  const missing = PHOTOS.map((p) => join(SKLEARN_IMAGES, `${p}.jpg`)).filter((f) => !existsSync(f));
  return missing.length ? `${missing.join(', ')} missing: apt-get install python3-sklearn` : null;
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

/** A w × h crop whose top-left corner lies in the given quadrant of the photo, as a JPEG. */
function crop(photo: Photo, quadrant: number, random: () => number): Uint8Array {
  const w = 40 + Math.floor(random() * 57);
  const h = 40 + Math.floor(random() * 57);
  const halfW = Math.floor(photo.width / 2);
  const halfH = Math.floor(photo.height / 2);
  const x0 = (quadrant % 2) * halfW + Math.floor(random() * (halfW - w));
  const y0 = Math.floor(quadrant / 2) * halfH + Math.floor(random() * (halfH - h));
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * photo.width + x0) * 4;
    rgba.set(photo.data.subarray(from, from + w * 4), y * w * 4);
  }
  return jpegJs.encode({ data: rgba, width: w, height: h }, 90).data;
}

interface Manifest {
  perClass: number;
  seed: number;
}

function manifestPath(out: string): string {
  return `${resolve(out)}.manifest.json`;
}

function isComplete(out: string, want: Manifest): boolean {
  const path = manifestPath(out);
  return existsSync(path) && readFileSync(path, 'utf8').trim() === JSON.stringify(want);
}

function writeImages(root: string, want: Manifest): void {
  const random = mulberry32(want.seed);
  for (const name of PHOTOS) {
    const photo = jpegJs.decode(readFileSync(join(SKLEARN_IMAGES, `${name}.jpg`)), { useTArray: true });
    QUADRANTS.forEach((quadrant, q) => {
      const dir = join(root, `${name}-${quadrant}`);
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < want.perClass; i++) {
        writeFileSync(join(dir, `${String(i).padStart(3, '0')}.jpg`), crop(photo, q, random));
      }
    });
  }
}

/** Writes the dataset (8 classes × perClass JPEGs) unless an identical one is there; returns its path. */
export function makePhotoCrops(opts: { out: string; perClass?: number; seed?: number }): string {
  const want: Manifest = { perClass: opts.perClass ?? 24, seed: opts.seed ?? 0 };
  const root = resolve(opts.out);
  if (isComplete(root, want)) return root;
  const reason = photoCropsUnavailableReason();
  if (reason) throw new Error(reason);
  const staging = `${root}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  writeImages(staging, want);
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
      'per-class': { type: 'string', default: '24' },
      seed: { type: 'string', default: '0' },
    },
  });
  if (!values.out) throw new Error('--out <folder> is required');
  const root = makePhotoCrops({
    out: values.out,
    perClass: Number(values['per-class']),
    seed: Number(values.seed),
  });
  console.log(root);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename ?? '')) main();
