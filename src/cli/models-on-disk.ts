// Finding models on disk for the CLI: ids from models/ (the embedded zoo and converted models) or folders.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { ModelCard } from '../core/types.ts';
import type { ModelRef } from '../engine/pipeline.ts';

/** The repository's models/ folder (the CLI runs from a checkout). */
export const MODELS_DIR = resolve(import.meta.dirname, '../../models');

interface Catalog {
  embedded?: string[];
  imported?: string[];
}

async function readCatalog(modelsDir: string): Promise<Catalog> {
  return JSON.parse(await readFile(join(modelsDir, 'catalog.json'), 'utf8')) as Catalog;
}

/** The zoo: what `tlab eval` runs by default. */
export async function embeddedModelIds(modelsDir = MODELS_DIR): Promise<string[]> {
  return (await readCatalog(modelsDir)).embedded ?? [];
}

/** Every model shipped in models/: the zoo, then the imported photo-trained CNNs. */
export async function allShippedModelIds(modelsDir = MODELS_DIR): Promise<string[]> {
  const catalog = await readCatalog(modelsDir);
  return [...(catalog.embedded ?? []), ...(catalog.imported ?? [])];
}

/** The ids a --models argument names: 'all' = every shipped model; absent = the zoo; else a comma list. */
export async function modelIdsFromArg(arg: string | undefined, modelsDir = MODELS_DIR): Promise<string[]> {
  if (arg === undefined) return embeddedModelIds(modelsDir);
  if (arg.trim() === 'all') return allShippedModelIds(modelsDir);
  return arg.split(',').filter(Boolean);
}

/** A model argument is either a folder holding card.json (+ weights) or an id under models/. */
export function modelFolder(arg: string, modelsDir = MODELS_DIR): string {
  const asPath = isAbsolute(arg) ? arg : resolve(arg);
  if (existsSync(join(asPath, 'card.json'))) return asPath;
  const asId = join(modelsDir, arg);
  if (existsSync(join(asId, 'card.json'))) return asId;
  throw new Error(
    `model '${arg}' not found: no card.json in ${asPath} or ${asId}. ` +
      `Use an id from models/ (npx tlab models list) or convert a checkpoint first (npx tlab convert).`,
  );
}

export async function loadModelRef(arg: string, modelsDir = MODELS_DIR): Promise<ModelRef> {
  const dir = modelFolder(arg, modelsDir);
  const card = JSON.parse(await readFile(join(dir, 'card.json'), 'utf8')) as ModelCard;
  return { card, read: async (rel) => new Uint8Array(await readFile(join(dir, rel))) };
}
