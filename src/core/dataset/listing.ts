// From a list of relative file paths (+ sizes) to a DatasetListing: classes, labels, splits, problems found.
// Pure: no file system; every source (browser folder, Node folder, tar shards, served demo) ends up here.
//
// Layout: ImageFolder (one subfolder per class, nested folders belong to their class, as in torchvision),
// optionally under train/ val/ test/ (also valid/, validation/). With a labels CSV the folders do not matter.

import { sha256Hex } from '../hash.ts';
import type { DatasetItem, DatasetListing, InputIssue, Split } from '../types.ts';
import { parseLabelsCsv, parseSplitList } from './labels.ts';
import { compareCodePoints, isHiddenPath, nonImageReason, normalisePath, splitOfFolder } from './paths.ts';

export interface ListedFile {
  /** Relative path; a trailing '/' marks a folder (lets empty class folders be reported). */
  path: string;
  size: number;
  /** Set when the entry could not be read (dangling symlink, loop, permission): reported as a skip. */
  unreadable?: string;
}

export interface ListingOptions {
  /** See labels.ts: `path,label1;label2` rows. */
  labelsCsv?: string;
  /** See labels.ts: `path,split` rows; overrides split folders. */
  splitList?: string;
  /** Warn about classes with fewer than this many training images (k-shot). */
  shots?: number;
}

interface Placed {
  key: string;
  size: number;
  split: Split | null;
  names: string[];
}

const skip = (key: string, reason: string): InputIssue => ({ key, action: 'skipped', reason });
const warn = (key: string, reason: string): InputIssue => ({ key, action: 'warned', reason });

/** Files at the dataset's root that describe it (index, labels, splits, readme, licence): not images, not issues. */
const METADATA_AT_ROOT = /^(index\.json|labels\.csv|splits\.csv|readme(\.[a-z]+)?|licen[cs]e(\.[a-z]+)?)$/i;

export function isDatasetMetadata(path: string): boolean {
  return !path.includes('/') && METADATA_AT_ROOT.test(path);
}

/** Files that can be images at all (not hidden, image extension, not empty), with issues for the rest. */
function usableFiles(files: ListedFile[], issues: InputIssue[]): ListedFile[] {
  const usable: ListedFile[] = [];
  for (const file of files) {
    const path = normalisePath(file.path);
    if (file.unreadable) {
      issues.push(skip(path || file.path, file.unreadable));
      continue;
    }
    if (file.path.endsWith('/') || path === '' || isDatasetMetadata(path)) continue;
    if (isHiddenPath(path)) {
      issues.push(skip(path, 'hidden or system file'));
      continue;
    }
    const notImage = nonImageReason(path);
    if (notImage) issues.push(skip(path, notImage));
    else if (file.size === 0) issues.push(skip(path, 'zero-byte file'));
    else usable.push({ path, size: file.size });
  }
  return usable;
}

function usesSplitFolders(files: ListedFile[]): boolean {
  return files.some((f) => f.path.includes('/') && splitOfFolder(f.path.split('/')[0]) !== null);
}

/** Assigns split and label names to each file, or skips it with a reason. */
function placeFiles(files: ListedFile[], opts: ListingOptions, issues: InputIssue[]): Placed[] {
  const csv = opts.labelsCsv ? parseLabelsCsv(opts.labelsCsv, issues) : null;
  const splitList = opts.splitList ? parseSplitList(opts.splitList, issues) : null;
  const splitFolders = usesSplitFolders(files);
  const placed: Placed[] = [];
  for (const { path, size } of files) {
    let segments = path.split('/');
    let split: Split | null = null;
    if (splitFolders) {
      split = splitOfFolder(segments[0]);
      if (!split || segments.length < 2) {
        issues.push(skip(path, 'outside the train/ val/ test/ folders'));
        continue;
      }
      segments = segments.slice(1);
    }
    split = splitList?.get(path) ?? split;
    if (csv) {
      const names = csv.get(path);
      if (names) placed.push({ key: path, size, split, names });
      else issues.push(skip(path, 'no row for this file in the labels CSV'));
    } else if (segments.length < 2) {
      issues.push(skip(path, 'not inside a class folder'));
    } else {
      placed.push({ key: path, size, split, names: [segments[0]] });
    }
  }
  if (csv) {
    const listed = new Set(files.map((f) => f.path));
    for (const path of csv.keys())
      if (!listed.has(path)) issues.push(warn(path, 'in the labels CSV but not found'));
  }
  return placed;
}

/** Class folders (with their split folder) named by any path, including skipped files and bare folders. */
function classFolders(files: ListedFile[], splitFolders: boolean): Map<string, string> {
  const depth = splitFolders ? 2 : 1;
  const folders = new Map<string, string>(); // folder path -> class name
  for (const file of files) {
    const segments = normalisePath(file.path).split('/');
    const isFolder = file.path.endsWith('/');
    if (segments.length < depth + (isFolder ? 0 : 1)) continue;
    if (splitFolders && !splitOfFolder(segments[0])) continue;
    if (isHiddenPath(segments.slice(0, depth).join('/'))) continue;
    folders.set(segments.slice(0, depth).join('/'), segments[depth - 1]);
  }
  return folders;
}

function emptyClassFolderIssues(files: ListedFile[], placed: Placed[], splitFolders: boolean): InputIssue[] {
  const used = new Set(
    placed.map((p) =>
      p.key
        .split('/')
        .slice(0, splitFolders ? 2 : 1)
        .join('/'),
    ),
  );
  return [...classFolders(files, splitFolders).keys()]
    .filter((folder) => !used.has(folder))
    .map((folder) => warn(`${folder}/`, 'empty class folder (no usable images): left out'));
}

/** Code-point order like torchvision's ImageFolder; numeric order when every name is an integer (.cls labels). */
function sortClassNames(names: Set<string>): string[] {
  const all = [...names];
  if (all.length > 0 && all.every((n) => /^\d+$/.test(n))) return all.sort((a, b) => Number(a) - Number(b));
  return all.sort(compareCodePoints);
}

function duplicateAcrossSplitsIssues(placed: Placed[]): InputIssue[] {
  const firstSeen = new Map<string, Placed>();
  const issues: InputIssue[] = [];
  for (const p of placed) {
    if (!p.split) continue;
    const identity = `${p.key.slice(p.key.lastIndexOf('/') + 1)}\u0000${p.size}`;
    const other = firstSeen.get(identity);
    if (!other) firstSeen.set(identity, p);
    else if (other.split !== p.split) {
      issues.push(
        warn(
          p.key,
          `same name and size as ${other.key}: probably the same image in ${other.split} and ${p.split}`,
        ),
      );
    }
  }
  return issues;
}

function missingInSplitIssues(items: DatasetItem[], classNames: string[]): InputIssue[] {
  const splits = [...new Set(items.map((i) => i.split))].filter((s): s is Split => s !== null);
  const issues: InputIssue[] = [];
  for (const split of splits) {
    const present = new Set(items.filter((i) => i.split === split).flatMap((i) => i.labels ?? [i.label]));
    classNames.forEach((name, c) => {
      if (!present.has(c)) issues.push(warn(name, `class has no images in ${split}`));
    });
  }
  return issues;
}

/** Warnings for classes with fewer than k training images (all images when the set has no splits). */
export function kShotIssues(listing: DatasetListing, k: number): InputIssue[] {
  const hasTrain = listing.items.some((i) => i.split === 'train');
  const counts = new Array<number>(listing.classNames.length).fill(0);
  for (const item of listing.items) {
    if (hasTrain && item.split !== 'train') continue;
    for (const c of item.labels ?? [item.label]) counts[c]++;
  }
  const where = hasTrain ? 'in train' : 'in total';
  return listing.classNames.flatMap((name, c) =>
    counts[c] < k ? [warn(name, `only ${counts[c]} images ${where}: too few for ${k}-shot`)] : [],
  );
}

/** sha256 over sorted (path, size, split, label names): same files + labels -> same fingerprint, any source. */
export function listingFingerprint(items: DatasetItem[], classNames: string[]): Promise<string> {
  const lines = items.map((i) => {
    const names = (i.labels ?? [i.label]).map((c) => classNames[c]).join(';');
    return `${i.key}\t${i.size}\t${i.split ?? ''}\t${names}`;
  });
  return sha256Hex(lines.sort(compareCodePoints).join('\n'));
}

export async function buildListing(
  name: string,
  files: ListedFile[],
  opts: ListingOptions = {},
): Promise<DatasetListing> {
  const issues: InputIssue[] = [];
  const usable = usableFiles(files, issues);
  const placed = placeFiles(usable, opts, issues).sort((a, b) => compareCodePoints(a.key, b.key));
  const classNames = sortClassNames(new Set(placed.flatMap((p) => p.names)));
  const index = new Map(classNames.map((n, i) => [n, i]));
  const multiLabel = opts.labelsCsv !== undefined && placed.some((p) => p.names.length !== 1);
  const items: DatasetItem[] = placed.map((p) => {
    const labels = p.names.map((n) => index.get(n)!).sort((a, b) => a - b);
    const item: DatasetItem = {
      key: p.key,
      label: multiLabel ? -1 : labels[0],
      split: p.split,
      size: p.size,
    };
    if (multiLabel) item.labels = labels;
    return item;
  });
  if (!opts.labelsCsv) issues.push(...emptyClassFolderIssues(files, placed, usesSplitFolders(usable)));
  issues.push(...duplicateAcrossSplitsIssues(placed), ...missingInSplitIssues(items, classNames));
  if (items.length === 0) issues.push(warn(name, 'no usable images found'));
  else if (classNames.length === 1)
    issues.push(warn(classNames[0], 'only one class: a probe needs at least two'));
  const listing: DatasetListing = { name, classNames, items, issues, multiLabel, fingerprint: '' };
  if (opts.shots !== undefined) issues.push(...kShotIssues(listing, opts.shots));
  listing.fingerprint = await listingFingerprint(items, classNames);
  return listing;
}
