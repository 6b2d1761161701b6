// Output safety for the CLI: every --out is checked before any work starts (a run of an hour must not fail
// at its last step), written under a temporary name and renamed into place only when complete, and an
// existing output is replaced only with --force.

import { constants, existsSync, statSync } from 'node:fs';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { printable } from '../core/text/printable.ts';
import { UsageError } from './command.ts';

export interface OutputCheck {
  /** Replace an existing output. */
  force?: boolean;
  /** The flag named in messages. */
  flag?: string;
}

async function checkParentWritable(path: string, flag: string): Promise<void> {
  const parent = dirname(resolve(path));
  try {
    await access(parent, constants.W_OK);
  } catch {
    throw new UsageError(
      `${flag} ${printable(path)}: folder ${printable(parent)} does not exist or is not writable`,
    );
  }
}

/** An output file: not a folder, its folder writable, not already there unless `force`. */
export async function checkOutputFile(path: string, opts: OutputCheck = {}): Promise<void> {
  const flag = opts.flag ?? '--out';
  if (existsSync(path)) {
    if (statSync(path).isDirectory())
      throw new UsageError(`${flag} ${printable(path)} is a folder, not a file`);
    if (!opts.force)
      throw new UsageError(`${flag} ${printable(path)} already exists (pass --force to replace it)`);
  }
  await checkParentWritable(path, flag);
}

/** An output folder: not a file, not already there (unless `force`), its parent writable. */
export async function checkOutputFolder(path: string, opts: OutputCheck = {}): Promise<void> {
  const flag = opts.flag ?? '--out';
  if (existsSync(path)) {
    if (!statSync(path).isDirectory())
      throw new UsageError(`${flag} ${printable(path)} is a file, not a folder`);
    if (!opts.force) {
      throw new UsageError(
        `${printable(path)} already exists: refusing to overwrite it (pass --force to replace it)`,
      );
    }
  }
  await mkdir(dirname(resolve(path)), { recursive: true });
  await checkParentWritable(path, flag);
}

function temporaryName(path: string): string {
  const full = resolve(path);
  return join(dirname(full), `.${basename(full)}.tmp-${process.pid}-${Date.now().toString(36)}`);
}

/** Writes the file under a temporary name in the same folder, then renames it into place. */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = temporaryName(path);
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Writes a whole folder under a temporary name, then renames it into place (replacing an existing one only
 * when `force`): a failure leaves nothing partial behind, and the old folder stays until the new one is whole.
 */
export async function writeFolderAtomic(
  dir: string,
  files: Map<string, Uint8Array>,
  opts: OutputCheck = {},
): Promise<void> {
  const tmp = temporaryName(dir);
  const old = `${tmp}.old`;
  try {
    await mkdir(tmp, { recursive: true });
    for (const [name, bytes] of files) await writeFile(join(tmp, name), bytes);
    if (existsSync(dir)) {
      if (!opts.force) throw new UsageError(`${printable(dir)} already exists (pass --force to replace it)`);
      await rename(dir, old);
    }
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(dir)) await rename(old, dir);
    throw err;
  }
  await rm(old, { recursive: true, force: true });
}
