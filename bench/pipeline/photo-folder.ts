// A 1,000-image colour-photo ImageFolder for pipeline benchmarks: seeded crops of the two CC-BY-2.0 Flickr
// photos Debian's python3-sklearn ships (china.jpg, flower.jpg), one class per (photo, quadrant) as in
// scripts/datasets/make-photo-crops.ts, but each crop scaled up to 640×480 (PIL-exact bicubic) and saved
// as JPEG at quality 80–95, so decoding and resizing cost what a folder of ordinary photos costs.
// Benchmark data only: written under .cache/, never committed.

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import jpegJs from 'jpeg-js';
import { photoCropsUnavailableReason, SKLEARN_IMAGES } from '../../scripts/datasets/make-photo-crops.ts';
import { resizeRgb } from '../../src/core/pixels/resize.ts';
import { createRng } from '../../src/core/rng.ts';
import type { RgbImage } from '../../src/core/types.ts';

const PHOTOS = ['china', 'flower'] as const;
const QUADRANTS = ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const;
export const PHOTO_WIDTH = 640;
export const PHOTO_HEIGHT = 480;

function rgbOf(file: string): RgbImage {
  const { data, width, height } = jpegJs.decode(readFileSync(file), { useTArray: true });
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set(data.subarray(i * 4, i * 4 + 3), i * 3);
  return { data: rgb, width, height };
}

function cropOf(img: RgbImage, left: number, top: number, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * img.width + left) * 3;
    data.set(img.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { data, width, height };
}

function jpeg(img: RgbImage, quality: number): Uint8Array {
  const rgba = new Uint8Array(img.width * img.height * 4).fill(255);
  for (let i = 0; i < img.width * img.height; i++) rgba.set(img.data.subarray(i * 3, i * 3 + 3), i * 4);
  return jpegJs.encode({ data: rgba, width: img.width, height: img.height }, quality).data;
}

/** `images` JPEGs of 640×480 in 8 class folders (photo × quadrant); reused when already complete. */
export function makeBenchPhotoFolder(out: string, images: number): string {
  const root = resolve(out);
  const count = (dir: string) => (existsSync(dir) ? readdirSync(dir).length : 0);
  const classes = PHOTOS.flatMap((p) => QUADRANTS.map((q) => `${p}-${q}`));
  const perClass = Math.ceil(images / classes.length);
  if (classes.every((c) => count(join(root, c)) === perClass)) return root;
  const reason = photoCropsUnavailableReason();
  if (reason) throw new Error(reason);
  const rng = createRng(0);
  const staging = `${root}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  for (const name of PHOTOS) {
    const photo = rgbOf(join(SKLEARN_IMAGES, `${name}.jpg`));
    const [halfW, halfH] = [Math.floor(photo.width / 2), Math.floor(photo.height / 2)];
    QUADRANTS.forEach((quadrant, q) => {
      const dir = join(staging, `${name}-${quadrant}`);
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < perClass; i++) {
        // A 4:3 crop of 120..halfH px height inside the quadrant, scaled up to 640×480.
        const h = 120 + Math.floor(rng.nextFloat() * (halfH - 120));
        const w = Math.min(halfW, Math.floor((h * 4) / 3));
        const left = (q % 2) * halfW + Math.floor(rng.nextFloat() * (halfW - w + 1));
        const top = Math.floor(q / 2) * halfH + Math.floor(rng.nextFloat() * (halfH - h + 1));
        const big = resizeRgb(cropOf(photo, left, top, w, h), PHOTO_WIDTH, PHOTO_HEIGHT, 'bicubic');
        const quality = 80 + Math.floor(rng.nextFloat() * 16);
        writeFileSync(join(dir, `${String(i).padStart(4, '0')}.jpg`), jpeg(big, quality));
      }
    });
  }
  rmSync(root, { recursive: true, force: true });
  renameSync(staging, root);
  return root;
}
