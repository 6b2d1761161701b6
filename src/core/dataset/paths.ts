// Path rules shared by every dataset source: what counts as an image, a hidden file, a split folder.

import type { Split } from '../types.ts';

export const IMAGE_EXTENSIONS = new Set(['jpg', 'jpeg', 'jpe', 'jfif', 'png']);
/** Images PIL would read but our decoder does not (yet): skipped with a reason that says what to do. */
const UNSUPPORTED_IMAGE_EXTENSIONS = new Set([
  'gif',
  'bmp',
  'webp',
  'tif',
  'tiff',
  'ppm',
  'pgm',
  'heic',
  'avif',
]);

const SPLIT_FOLDERS: Record<string, Split> = {
  train: 'train',
  training: 'train',
  val: 'val',
  valid: 'val',
  validation: 'val',
  test: 'test',
  testing: 'test',
};

/** POSIX separators, no leading './' or '/', no empty segments. */
export function normalisePath(path: string): string {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

export function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** Hidden/system entries that are never data: .DS_Store, AppleDouble '._x', any '.folder/', __MACOSX/. */
export function isHiddenPath(path: string): boolean {
  return path.split('/').some((s) => s.startsWith('.') || s === '__MACOSX' || s === 'Thumbs.db');
}

/** Null when the file is a usable image, else why it is skipped. */
export function nonImageReason(path: string): string | null {
  const ext = extensionOf(path);
  if (IMAGE_EXTENSIONS.has(ext)) return null;
  if (UNSUPPORTED_IMAGE_EXTENSIONS.has(ext))
    return `.${ext} images are not supported yet: convert to PNG or JPEG`;
  return ext ? `not an image file (.${ext})` : 'not an image file (no extension)';
}

export function splitOfFolder(segment: string): Split | null {
  return SPLIT_FOLDERS[segment.toLowerCase()] ?? null;
}

/** Python's sorted() on str compares code points; JS '<' compares UTF-16 units (differs past U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}
