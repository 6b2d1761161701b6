// Tar reading (ustar, GNU long names, PAX paths) over random-access reads, plus the WebDataset convention.
// Pure: works on any `readAt` (a Uint8Array, a Node file handle, a browser File), so shards never have to
// be loaded whole.

import { printable } from '../text/printable.ts';
import type { InputIssue, Split } from '../types.ts';
import { TarError } from './errors.ts';
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

/**
 * An octal numeric field (ustar: digits, then NUL or space padding), or null when it is not a number. Only
 * octal digits count: parseInt would read "-1000" as -512 and "12x" as 10.
 */
function octalField(block: Uint8Array, start: number, length: number): number | null {
  // cString already stopped at the first NUL; spaces pad either side.
  const text = cString(block, start, length).replace(/^ +| +$/g, '');
  if (text === '') return 0;
  if (!/^[0-7]{1,12}$/.test(text)) return null;
  return Number.parseInt(text, 8);
}

/** Size: octal, or GNU base-256 when the high bit of the first byte is set (negative base-256 is refused). */
function sizeField(block: Uint8Array): number | null {
  if (block[124] & 0x80) {
    if (block[124] & 0x40) return null; // a negative base-256 number
    let n = block[124] & 0x3f;
    for (let i = 125; i < 136; i++) n = n * 256 + block[i];
    return Number.isSafeInteger(n) ? n : null;
  }
  return octalField(block, 124, 12);
}

function checksumOk(block: Uint8Array): boolean {
  const stored = octalField(block, 148, 8);
  if (stored === null) return false;
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

/** Long names (GNU 'L', PAX 'x') larger than this are not names. */
const MAX_NAME_MEMBER_BYTES = 64 * 1024;
/** Blocks read at once while looking for the next valid header after a broken one. */
const RESYNC_BLOCKS = 128;

export interface TarListing {
  entries: TarEntry[];
  /** Members that could not be read, each with its reason; the members after them are still listed. */
  issues: InputIssue[];
}

/** The offset of the next block at or after `from` that is a valid header, or -1. Bounded by the file. */
async function nextHeader(readAt: ReadAt, from: number, totalSize: number): Promise<number> {
  for (let at = from; at + BLOCK <= totalSize; at += RESYNC_BLOCKS * BLOCK) {
    const chunk = await readAt(at, Math.min(RESYNC_BLOCKS * BLOCK, totalSize - at));
    for (let b = 0; b + BLOCK <= chunk.length; b += BLOCK) {
      const block = chunk.subarray(b, b + BLOCK);
      if (!block.every((x) => x === 0) && checksumOk(block) && sizeField(block) !== null) return at + b;
    }
  }
  return -1;
}

/**
 * Lists a tar's members. Every header is validated as numbers (octal digits, a matching checksum, a size that
 * fits the file); a bad one becomes an issue and listing resumes at the next valid header, so one broken
 * member never hides the rest. Throws TarError only when the first header is not a tar header at all.
 */
export async function scanTar(readAt: ReadAt, totalSize: number, name = 'tar'): Promise<TarListing> {
  const entries: TarEntry[] = [];
  const issues: InputIssue[] = [];
  let offset = 0;
  let longName: string | null = null;
  const broken = async (at: number, what: string, reason: string) => {
    issues.push({ key: `${name}:${what}`, action: 'skipped', reason: `${reason} (header at byte ${at})` });
    longName = null;
    return nextHeader(readAt, at + BLOCK, totalSize);
  };
  while (offset + BLOCK <= totalSize) {
    const block = await readAt(offset, BLOCK);
    if (block.length < BLOCK || block.every((b) => b === 0)) break; // end-of-archive marker
    const memberName = cString(block, 0, 100);
    if (!checksumOk(block)) {
      if (offset === 0) throw new TarError(name, 'not a tar file, or corrupt header at byte 0');
      offset = await broken(offset, memberName || '?', 'corrupt tar header (checksum)');
      if (offset < 0) break;
      continue;
    }
    const size = sizeField(block);
    const dataOffset = offset + BLOCK;
    if (size === null || size > totalSize - dataOffset) {
      const reason =
        size === null
          ? 'tar member size is not a number'
          : `tar member of ${size} bytes runs past the end of the file`;
      offset = await broken(offset, memberName || '?', reason);
      if (offset < 0) break;
      continue;
    }
    const type = String.fromCharCode(block[156] || 0x30);
    offset = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L' || type === 'x') {
      if (size > MAX_NAME_MEMBER_BYTES) {
        issues.push({
          key: `${name}:${memberName}`,
          action: 'skipped',
          reason: `long-name record of ${size} bytes`,
        });
        continue;
      }
      const data = await readAt(dataOffset, size);
      longName = type === 'L' ? cString(data, 0, data.length) : (paxPath(data) ?? longName);
      continue;
    }
    const prefix = cString(block, 345, 155);
    const path = longName ?? (prefix ? `${prefix}/${memberName}` : memberName);
    longName = null;
    if (type === '0' || type === '7') entries.push({ path, offset: dataOffset, size, kind: 'file' });
    else if (type === '5') entries.push({ path, offset: dataOffset, size: 0, kind: 'folder' });
  }
  return { entries, issues };
}

/** Lists a tar's members (see scanTar); broken members are left out. */
export async function listTar(readAt: ReadAt, totalSize: number): Promise<TarEntry[]> {
  return (await scanTar(readAt, totalSize)).entries;
}

/** Why a member path is refused, or null: it must stay inside the archive. */
export function unsafeMemberReason(path: string): string | null {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return 'refused: absolute member path';
  if (path.replace(/\\/g, '/').split('/').includes('..'))
    return "refused: member path leaves the archive ('../')";
  return null;
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

/** Label members larger than this are not labels. */
const MAX_LABEL_MEMBER_BYTES = 64 * 1024;
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The label names of a .cls/.txt/.json member, or the reason it cannot be used (its image is then skipped). */
async function readLabelMember(read: ReadAt, entry: TarEntry): Promise<string[] | string> {
  const what = `label member ${printable(entry.path)}`;
  if (entry.size > MAX_LABEL_MEMBER_BYTES) return `${what}: ${entry.size} bytes, not a label`;
  try {
    return parseLabelMember(
      sampleKey(entry.path).ext,
      fatalUtf8.decode(await read(entry.offset, entry.size)),
    );
  } catch (err) {
    const why =
      err instanceof SyntaxError ? 'invalid JSON' : err instanceof TypeError ? 'not UTF-8 text' : String(err);
    return `${what}: ${printable(why)}`;
  }
}

const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * Virtual path = member path, prefixed with the split folder when the shard's name gives the split and the
 * member is not already under a split folder: a tar of a dataset folder lists exactly like the folder.
 */
export async function planShards(
  shards: { name: string; entries: TarEntry[]; read: ReadAt; issues?: InputIssue[] }[],
): Promise<ShardPlan> {
  const files: ListedFile[] = [];
  const members = new Map<string, ShardMember>();
  const rows: string[] = [];
  const folderLabelled: string[] = [];
  const issues: InputIssue[] = shards.flatMap((s) => s.issues ?? []);
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
      const unsafe = unsafeMemberReason(e.path);
      if (unsafe) {
        issues.push({ key: `${shard.name}:${e.path}`, action: 'skipped', reason: unsafe });
        continue;
      }
      const path = virtual(e.path);
      if (e.kind === 'folder') {
        files.push({ path: `${path}/`, size: 0 });
        continue;
      }
      const labelEntry = labelMembers.get(sampleKey(e.path).key);
      if (labelEntry === e) continue; // consumed as a label
      if (IMAGE_EXTENSIONS.has(extensionOf(e.path))) {
        if (labelEntry) {
          const label = await readLabelMember(shard.read, labelEntry);
          if (typeof label === 'string') {
            issues.push({ key: path, action: 'skipped', reason: label });
            continue;
          }
          rows.push(`${csvCell(path)},${csvCell(label.join(';'))}`);
        } else folderLabelled.push(path);
      }
      if (!members.has(path)) {
        files.push({ path, size: e.size });
        members.set(path, { shard: shardIndex, entry: e });
      }
    }
  }
  if (rows.length === 0) return { files, members, labelsCsv: null, issues };
  // Mixed shards: images without a label member keep their class folder, written as CSV rows too.
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
