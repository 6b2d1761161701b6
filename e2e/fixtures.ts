// Image folders made by the tests themselves (under .cache/, gitignored): small RGB PNGs whose classes differ
// in colour and stripe direction, with seeded noise, so probes have something real to learn.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encode } from 'fast-png';

export const XSS_CLASS = '<img src=x onerror=alert(1)>';

const CLASSES: { name: string; rgb: [number, number, number]; stripes: 'h' | 'v' | 'd' }[] = [
  { name: 'red-horizontal', rgb: [200, 40, 40], stripes: 'h' },
  { name: 'green-vertical', rgb: [40, 180, 60], stripes: 'v' },
  { name: 'blue-diagonal', rgb: [50, 60, 210], stripes: 'd' },
  { name: 'yellow-vertical', rgb: [220, 200, 40], stripes: 'v' },
  { name: 'grey-horizontal', rgb: [128, 128, 128], stripes: 'h' },
];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function image(cls: (typeof CLASSES)[number], random: () => number, size = 40): Uint8Array {
  const data = new Uint8Array(size * size * 3);
  const phase = Math.floor(random() * 8);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const t = cls.stripes === 'h' ? y : cls.stripes === 'v' ? x : x + y;
      const on = Math.floor((t + phase) / 4) % 2 === 0;
      for (let c = 0; c < 3; c++) {
        const base = on ? cls.rgb[c] : 255 - cls.rgb[c];
        data[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(base + (random() - 0.5) * 60)));
      }
    }
  }
  return encode({ width: size, height: size, data, channels: 3, depth: 8 });
}

/**
 * `.cache/e2e/<name>/<class>/<i>.png` with `perClass` images per class, plus one non-image file inside a class
 * folder that the lab must list as skipped. `extraClass` adds a class folder with that (hostile) name.
 */
export function makeImageFolder(name: string, perClass: number, extraClass?: string): string {
  const root = resolve('.cache/e2e', name);
  const notImage = join(root, CLASSES[0].name, 'notes.txt');
  if (existsSync(notImage)) return root;
  const classes = extraClass
    ? [...CLASSES, { ...CLASSES[0], name: extraClass, rgb: [20, 20, 20] as [number, number, number] }]
    : CLASSES;
  classes.forEach((cls, k) => {
    const dir = join(root, cls.name);
    mkdirSync(dir, { recursive: true });
    const random = mulberry32(1000 + k);
    for (let i = 0; i < perClass; i++)
      writeFileSync(join(dir, `${String(i).padStart(3, '0')}.png`), image(cls, random));
  });
  // Written last: it also marks the folder as complete.
  writeFileSync(notImage, 'Not an image: the lab lists this file as skipped.\n');
  return root;
}
