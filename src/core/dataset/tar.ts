// Tar reading (ustar, GNU long names, PAX paths) over random-access reads, plus the WebDataset convention.
// Pure: works on any `readAt` (a Uint8Array, a Node file handle, a browser File), so shards never have to
// be loaded whole.

import type { InputIssue, Split } from '../types.ts';
import type { ListedFile } from './listing.ts';
import { extensionOf, IMAGE_EXTENSIONS, normalisePath, splitOfFolder } from './paths.ts';

export interface TarEntry {
  path: string;
  /** Byte offset of the member's data inside the tar. */
  offset: number;
  size: number;
  kind: 'file' | 'folder';
}

export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

const BLOCK = 512;
const utf8 = new TextDecoder();

export const bytesReader =
  (bytes: Uint8Array): ReadAt =>
  async (offset, length) =>
    bytes.subarray(offset, offset + length);

function cString(block: Uint8Array, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return utf8.decode(end === -1 ? field : field.subarray(0, end));
}

/** Octal size field, or GNU base-256 when the high bit of the first byte is set. */
function sizeField(block: Uint8Array): number {
  if (block[124] & 0x80) {
    let n = block[124] & 0x7f;
    for (let i = 125; i < 136; i++) n = n * 256 + block[i];
    return n;
  }
  const text = cString(block, 124, 12).trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function checksumOk(block: Uint8Array): boolean {
  const stored = Number.parseInt(cString(block, 148, 8).trim(), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i];
  return sum === stored;
}

/** PAX extended header records: "<len> key=value\n"; only `path` matters here. */
function paxPath(data: Uint8Array): string | null {
  for (const record of utf8.decode(data).split('\n')) {
    const m = /^\d+ path=(.*)$/s.exec(record);
    if (m) return m[1];
  }
  return null;
}

/** Lists a tar's members. Throws on a bad header checksum (not a tar, or corrupt). */
export async function listTar(readAt: ReadAt, totalSize: number): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | null = null;
  while (offset + BLOCK <= totalSize) {
    const block = await readAt(offset, BLOCK);
    if (block.every((b) => b === 0)) break; // end-of-archive marker
    if (!checksumOk(block)) throw new Error(`not a tar file, or corrupt header at byte ${offset}`);
    const size = sizeField(block);
    const type = String.fromCharCode(block[156] || 0x30);
    const dataOffset = offset + BLOCK;
    offset = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L' || type === 'x') {
      const data = await readAt(dataOffset, size);
      longName = type === 'L' ? cString(data, 0, data.length) : (paxPath(data) ?? longName);
      continue;
    }
    const prefix = cString(block, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${cString(block, 0, 100)}` : cString(block, 0, 100));
    longName = null;
    if (type === '0' || type === '7') entries.push({ path: name, offset: dataOffset, size, kind: 'file' });
    else if (type === '5') entries.push({ path: name, offset: dataOffset, size: 0, kind: 'folder' });
  }
  return entries;
}

/** train-000.tar, val_3.tar, test.tar -> split; other shard names -> null. */
export function splitOfShard(shardName: string): Split | null {
  const base = shardName.slice(shardName.lastIndexOf('/') + 1);
  const m = /^([A-Za-z]+)(?:[-_.]|$)/.exec(base);
  return m ? splitOfFolder(m[1]) : null;
}

/** WebDataset sample key and member extension: dir + basename up to the first dot; the rest. */
export function sampleKey(path: string): { key: string; ext: string } {
  const slash = path.lastIndexOf('/');
  const dot = path.indexOf('.', slash + 1);
  return dot === -1
    ? { key: path, ext: '' }
    : { key: path.slice(0, dot), ext: path.slice(dot + 1).toLowerCase() };
}

const LABEL_EXTENSIONS = ['cls', 'json', 'txt'];

/** A .cls/.txt holds a class index or name; a .json holds {label|cls|class|labels: value or list}. */
export function parseLabelMember(ext: string, text: string): string[] {
  if (ext !== 'json') return [text.trim()].filter((s) => s !== '');
  const value: unknown = JSON.parse(text);
  const obj = (typeof value === 'object' && value !== null ? value : { label: value }) as Record<
    string,
    unknown
  >;
  const found = obj.label ?? obj.cls ?? obj.class ?? obj.labels;
  const list = Array.isArray(found) ? found : found === undefined ? [] : [found];
  return list.map((v) => String(v).trim()).filter((s) => s !== '');
}

export interface ShardMember {
  shard: number;
  entry: TarEntry;
}

/** How tar shards map onto a dataset: virtual paths for buildListing, and where each path's bytes live. */
export interface ShardPlan {
  files: ListedFile[];
  members: Map<string, ShardMember>;
  /** Labels CSV built from WebDataset label members; null when the shards use class folders only. */
  labelsCsv: string | null;
  /** Problems found while grouping members (reported with the listing's own issues). */
  issues: InputIssue[];
}

const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * Virtual path = member path, prefixed with the split folder when the shard's name gives the split and the
 * member is not already under a split folder: a tar of a dataset folder lists exactly like the folder.
 */
export async function planShards(
  shards: { name: string; entries: TarEntry[]; read: ReadAt }[],
): Promise<ShardPlan> {
  const files: ListedFile[] = [];
  const members = new Map<string, ShardMember>();
  const rows: string[] = [];
  const folderLabelled: string[] = [];
  const decoder = new TextDecoder();
  for (const [shardIndex, shard] of shards.entries()) {
    const split = splitOfShard(shard.name);
    const virtual = (path: string) => {
      const p = normalisePath(path);
      return split && !splitOfFolder(p.split('/')[0]) ? `${split}/${p}` : p;
    };
    // A .cls/.json/.txt member is a label only when an image shares its key (else it is just a file).
    const imageKeys = new Set(
      shard.entries
        .filter((e) => IMAGE_EXTENSIONS.has(extensionOf(e.path)))
        .map((e) => sampleKey(e.path).key),
    );
    const labelMembers = new Map<string, TarEntry>();
    for (const e of shard.entries) {
      const { key, ext } = sampleKey(e.path);
      const isLabel = e.kind === 'file' && LABEL_EXTENSIONS.includes(ext) && imageKeys.has(key);
      if (isLabel && !labelMembers.has(key)) labelMembers.set(key, e);
    }
    for (const e of shard.entries) {
      const path = virtual(e.path);
      if (e.kind === 'folder') {
        files.push({ path: `${path}/`, size: 0 });
        continue;
      }
      const labelEntry = labelMembers.get(sampleKey(e.path).key);
      if (labelEntry === e) continue; // consumed as a label
      if (IMAGE_EXTENSIONS.has(extensionOf(e.path))) {
        if (labelEntry) {
          const text = decoder.decode(await shard.read(labelEntry.offset, labelEntry.size));
          const names = parseLabelMember(sampleKey(labelEntry.path).ext, text);
          rows.push(`${csvCell(path)},${csvCell(names.join(';'))}`);
        } else folderLabelled.push(path);
      }
      if (!members.has(path)) {
        files.push({ path, size: e.size });
        members.set(path, { shard: shardIndex, entry: e });
      }
    }
  }
  if (rows.length === 0) return { files, members, labelsCsv: null, issues: [] };
  // Mixed shards: images without a label member keep their class folder, written as CSV rows too.
  const issues: InputIssue[] = [];
  const unlabelled = new Set<string>();
  for (const path of folderLabelled) {
    const segments = path.split('/');
    const inner = splitOfFolder(segments[0]) ? segments.slice(1) : segments;
    if (inner.length >= 2) rows.push(`${csvCell(path)},${csvCell(inner[0])}`);
    else {
      unlabelled.add(path);
      issues.push({
        key: path,
        action: 'skipped',
        reason: 'no label: no .cls/.json/.txt with the same key, no class folder',
      });
    }
  }
  return { files: files.filter((f) => !unlabelled.has(f.path)), members, labelsCsv: rows.join('\n'), issues };
}
