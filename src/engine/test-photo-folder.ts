// Test-only: an ImageFolder of real colour photos, made in Node (no Python): crops of the two photos Debian's
// scikit-learn ships (china.jpg, flower.jpg, CC-BY / public domain, see its images/README.txt) at varied
// sizes and aspect ratios, re-encoded as JPEG, so the linear rule (shorter side) and the few-shot rule
// (squash) really differ per image.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { createRng } from '../core/rng.ts';
import type { RgbImage } from '../core/types.ts';
import { decodeImageNode } from '../platform/node/decode.ts';

export const PHOTO_DIR = '/usr/lib/python3/dist-packages/sklearn/datasets/images';
const PHOTOS = ['china.jpg', 'flower.jpg'];

/** Why the photos are missing here, or null. */
export function photosUnavailableReason(): string | null {
  return PHOTOS.every((f) => existsSync(join(PHOTO_DIR, f)))
    ? null
    : `SKIPPED: ${PHOTO_DIR} is missing (apt-get install python3-sklearn)`;
}

function crop(img: RgbImage, left: number, top: number, width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = ((top + y) * img.width + left + x) * 3;
      rgba.set(img.data.subarray(from, from + 3), (y * width + x) * 4);
      rgba[(y * width + x) * 4 + 3] = 255;
    }
  }
  return new Uint8Array(jpeg.encode({ data: rgba, width, height }, 88).data);
}

/**
 * `perClass` crops per class and split (train/<class>/, test/<class>/), each class a region of one photo, the
 * crop sizes from `minSide` to 2·minSide with aspects 3:4 to 16:9; plus `train/<first class>/broken.jpg`.
 */
export async function makePhotoFolder(opts: {
  classes: number;
  train: number;
  test: number;
  minSide: number;
  seed: number;
}): Promise<string> {
  const photos = await Promise.all(
    PHOTOS.map((f) => decodeImageNode(new Uint8Array(readFileSync(join(PHOTO_DIR, f))), f)),
  );
  const root = mkdtempSync(join(tmpdir(), 'tlab-photos-'));
  const rng = createRng(opts.seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rng.nextFloat() * (hi - lo + 1));
  for (let c = 0; c < opts.classes; c++) {
    const photo = photos[c % photos.length];
    // Each class its own horizontal band of its photo, so the classes look different.
    const bandTop = Math.floor((photo.height * (Math.floor(c / photos.length) % 3)) / 3);
    const bandHeight = Math.floor(photo.height / 3);
    for (const [split, count] of [
      ['train', opts.train],
      ['test', opts.test],
    ] as const) {
      const dir = join(root, split, `class-${c}`);
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < count; i++) {
        const short = int(opts.minSide, Math.min(2 * opts.minSide, bandHeight));
        const long = Math.min(photo.width, Math.floor(short * (1 + rng.nextFloat() * 0.78)));
        const [w, h] = rng.nextFloat() < 0.75 ? [long, short] : [short, Math.min(long, bandHeight)];
        const left = int(0, photo.width - w);
        const top = bandTop + int(0, bandHeight - h);
        writeFileSync(join(dir, `${i}.jpg`), crop(photo, left, top, w, h));
      }
    }
  }
  writeFileSync(join(root, 'train', 'class-0', 'broken.jpg'), new Uint8Array([0xff, 0xd8, 0xff, 0, 1]));
  return root;
}
