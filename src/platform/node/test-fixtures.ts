// Test helper: small real image files (PNG via fast-png, JPEG via jpeg-js) laid out as datasets on disk.

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { encode as encodePng } from 'fast-png';
import jpegJs from 'jpeg-js';

/** A deterministic 24×16 RGB pattern that differs per `seed`. */
export function patternRgba(seed: number, width = 24, height = 16): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      data.set(
        [(x * 9 + seed * 31) % 256, (y * 13 + seed * 7) % 256, (x * y + seed) % 256, 255],
        (y * width + x) * 4,
      );
  return data;
}

export function pngBytes(seed: number): Uint8Array {
  const rgba = patternRgba(seed);
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0; i < rgba.length / 4; i++) rgb.set(rgba.subarray(i * 4, i * 4 + 3), i * 3);
  return encodePng({ width: 24, height: 16, data: rgb, channels: 3, depth: 8 });
}

export function jpegBytes(seed: number): Uint8Array {
  return new Uint8Array(jpegJs.encode({ width: 24, height: 16, data: patternRgba(seed) }, 90).data);
}

/** Writes `files` (relative path -> bytes; a path ending in '/' makes an empty folder) under a fresh dir. */
export function writeTree(name: string, files: Record<string, Uint8Array | string>): string {
  const root = resolve('.cache/test-datasets', name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    if (path.endsWith('/')) {
      mkdirSync(full, { recursive: true });
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

/** GNU tar of `dir`'s contents (members named ./x/y), written to `out`. */
export function tarFolder(dir: string, out: string): string {
  mkdirSync(dirname(out), { recursive: true });
  const run = spawnSync('tar', ['--format=pax', '-cf', out, '-C', dir, '.'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`tar failed: ${run.stderr}`);
  return out;
}

/** A PNG whose header claims width×height but that has no pixel data (enough to test refusal). */
export function pngHeaderOnly(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(25);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, 13);
  ihdr.set([0x49, 0x48, 0x44, 0x52], 4);
  view.setUint32(8, width);
  view.setUint32(12, height);
  ihdr.set([8, 2, 0, 0, 0], 16);
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return new Uint8Array([...sig, ...ihdr]);
}
