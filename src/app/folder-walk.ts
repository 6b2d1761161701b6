// Turning what the user gives us (a dropped folder, a picked directory, a webkitdirectory FileList) into
// `{ path, file }` pairs. Paths keep the chosen folder's own name as their first part, as webkitRelativePath
// does; fileListSource removes that shared root once, the same way for all three routes. Browser APIs only.

import type { FolderFile } from '../worker/api.ts';

export interface PickedFolder {
  name: string;
  files: FolderFile[];
}

function readEntriesOnce(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

/** Chromium returns at most 100 entries per readEntries call, so it is called until it returns none. */
async function readAllEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await readEntriesOnce(reader);
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

function entryFile(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walkEntry(entry: FileSystemEntry, prefix: string, out: FolderFile[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    out.push({ path, file: await entryFile(entry as FileSystemFileEntry) });
  } else if (entry.isDirectory) {
    for (const child of await readAllEntries(entry as FileSystemDirectoryEntry))
      await walkEntry(child, path, out);
  }
}

/**
 * Must be called synchronously inside the drop event: the DataTransfer is emptied once the handler
 * returns, so entries are taken first and walked afterwards.
 */
export function entriesFromDrop(dataTransfer: DataTransfer): FileSystemEntry[] {
  const entries: FileSystemEntry[] = [];
  for (const item of Array.from(dataTransfer.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    if (entry) entries.push(entry);
  }
  return entries;
}

/** One dropped folder becomes the dataset root; several items are treated as the class folders of one set. */
export async function walkDropped(entries: FileSystemEntry[]): Promise<PickedFolder> {
  const files: FolderFile[] = [];
  for (const entry of entries) await walkEntry(entry, '', files);
  const single = entries.length === 1 && entries[0].isDirectory;
  return { name: single ? entries[0].name : 'dropped files', files };
}

/** `<input webkitdirectory>`: webkitRelativePath starts with the chosen folder's name. */
export function filesFromInput(list: FileList): PickedFolder {
  const all = Array.from(list);
  const first = all[0]?.webkitRelativePath ?? '';
  const name = first.includes('/') ? first.slice(0, first.indexOf('/')) : 'chosen files';
  return { name, files: all.map((file) => ({ path: file.webkitRelativePath || file.name, file })) };
}

interface DirectoryHandleLike {
  name: string;
  kind: 'directory';
  values(): AsyncIterable<{ kind: 'file' | 'directory'; name: string }>;
}

async function walkHandle(dir: DirectoryHandleLike, prefix: string, out: FolderFile[]): Promise<void> {
  for await (const handle of dir.values()) {
    const path = prefix ? `${prefix}/${handle.name}` : handle.name;
    if (handle.kind === 'file')
      out.push({ path, file: await (handle as unknown as FileSystemFileHandle).getFile() });
    else await walkHandle(handle as unknown as DirectoryHandleLike, path, out);
  }
}

type PickerWindow = Window & {
  showDirectoryPicker?: (opts?: { mode?: 'read' }) => Promise<DirectoryHandleLike>;
};

export function canPickDirectory(): boolean {
  return typeof (window as PickerWindow).showDirectoryPicker === 'function';
}

/** File System Access API; resolves null when the user closes the picker. */
export async function pickDirectory(): Promise<PickedFolder | null> {
  const picker = (window as PickerWindow).showDirectoryPicker;
  if (!picker) return null;
  let dir: DirectoryHandleLike;
  try {
    dir = await picker.call(window, { mode: 'read' });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return null;
    throw error;
  }
  const files: FolderFile[] = [];
  await walkHandle(dir, dir.name, files);
  return { name: dir.name, files };
}
