// `tlab models list` / `tlab models fetch`: the paper's upstream checkpoints from models/catalog.json —
// download with progress, verify the hash when the catalog has one, convert into models/<id>/.

import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sha256Hex } from '../../core/hash.ts';
import {
  type Catalog,
  type CatalogEntry,
  CLIP_MEAN,
  CLIP_STD,
  hashMatches,
  parseCatalog,
} from '../../engine/model-format/catalog.ts';
import {
  type ConvertOptions,
  convertCheckpoint,
  type Normalisation,
} from '../../engine/model-format/convert-checkpoint.ts';
import { convertVitCheckpoint } from '../../engine/model-format/convert-vit.ts';
import { type CliCommand, UsageError } from '../command.ts';
import { formatReport, writeModelFolder } from './convert.ts';

const DEFAULT_CATALOG = 'models/catalog.json';
const DOWNLOAD_CACHE = '.cache/downloads';

export async function loadCatalog(pathOrUrl: string): Promise<Catalog> {
  const text = /^https?:\/\//.test(pathOrUrl)
    ? await fetchText(pathOrUrl)
    : await readFile(pathOrUrl, 'utf8').catch(() => {
        throw new Error(`cannot read catalog ${pathOrUrl}`);
      });
  try {
    return parseCatalog(JSON.parse(text));
  } catch (err) {
    throw new Error(`${pathOrUrl}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.text();
}

export type DownloadProgress = (received: number, total: number | null) => void;

/** Downloads into memory, reporting bytes as they arrive (total from Content-Length when sent). */
export async function download(url: string, onProgress: DownloadProgress): Promise<Uint8Array> {
  const res = await fetch(url, { redirect: 'follow' });
  if (!res.ok || !res.body) throw new Error(`GET ${url}: HTTP ${res.status} ${res.statusText}`);
  const length = Number(res.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
    onProgress(received, total);
  }
  if (total !== null && received !== total) throw new Error(`GET ${url}: got ${received} of ${total} bytes`);
  const out = new Uint8Array(received);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

function progressLine(id: string): DownloadProgress {
  let last = 0;
  return (received, total) => {
    const now = Date.now();
    if (now - last < 200 && received !== total) return;
    last = now;
    const mb = (received / 1e6).toFixed(1);
    const pct = total ? ` (${((100 * received) / total).toFixed(0)}% of ${(total / 1e6).toFixed(1)} MB)` : '';
    process.stderr.write(`\r${id}: ${mb} MB${pct}   `);
  };
}

/** The checkpoint bytes: from the download cache when present and intact, else downloaded (then cached). */
async function checkpointBytes(entry: CatalogEntry & { url: string }, cacheDir: string): Promise<Uint8Array> {
  const cached = join(cacheDir, `${entry.id}.checkpoint`);
  if (existsSync(cached)) {
    const bytes = new Uint8Array(await readFile(cached));
    if (hashMatches(entry, await sha256Hex(bytes))) return bytes;
  }
  const bytes = await download(entry.url, progressLine(entry.id));
  process.stderr.write('\n');
  const sha = await sha256Hex(bytes);
  if (!hashMatches(entry, sha)) {
    throw new Error(
      `${entry.id}: sha256 ${sha} does not match the catalog (${entry.sha256 ?? `${entry.sha256Prefix}…`})`,
    );
  }
  await mkdir(cacheDir, { recursive: true });
  await writeFile(`${cached}.part`, bytes);
  await rename(`${cached}.part`, cached); // never leave a half-written file that looks complete
  return bytes;
}

/** The converter for a catalog entry's kind: the ResNet path, or the ViT seam (convert-vit.ts). */
export type FetchConverters = {
  resnet: typeof convertCheckpoint;
  vit: typeof convertVitCheckpoint;
};

const CONVERTERS: FetchConverters = { resnet: convertCheckpoint, vit: convertVitCheckpoint };

function normalisationOf(entry: CatalogEntry): Normalisation {
  return entry.normalisation === 'clip' ? { mean: CLIP_MEAN, std: CLIP_STD } : entry.normalisation;
}

function convertOptions(entry: CatalogEntry, float16: boolean): ConvertOptions {
  return {
    id: entry.id,
    arch: entry.arch,
    profile: entry.profile,
    // The catalog knows where the backbone sits; the search confirms it (and refuses if it is not there).
    ...(entry.container !== null ? { container: entry.container } : {}),
    ...(entry.prefix !== null ? { prefix: entry.prefix } : {}),
    float16,
    name: entry.name,
    family: entry.family,
    normalisation: normalisationOf(entry),
    source: entry.url ?? undefined,
    licence: entry.licence,
    imagenetTop1: entry.imagenetTop1,
    ...(entry.note ? { description: entry.note } : {}),
  };
}

/** Downloads (or reuses), verifies and converts one catalog entry into outRoot/<id>/. */
export async function fetchOne(
  entry: CatalogEntry,
  outRoot: string,
  cacheDir: string,
  float16: boolean,
  converters: FetchConverters = CONVERTERS,
): Promise<void> {
  if (!entry.url) {
    console.log(`${entry.id}: no direct download — ${entry.note ?? 'see the catalog'}`);
    return;
  }
  const bytes = await checkpointBytes({ ...entry, url: entry.url }, cacheDir);
  const opts = convertOptions(entry, float16);
  const result =
    entry.kind === 'vit'
      ? await converters.vit(bytes, { ...opts, layout: entry.layout ?? 'timm', patchSize: entry.patchSize })
      : await converters.resnet(bytes, opts);
  console.log(`${entry.id}:\n${formatReport(result.report, result.family).replace(/^/gm, '  ')}`);
  const out = join(outRoot, entry.id);
  await writeModelFolder(out, result, true); // a fetch replaces its own catalog id's folder
  console.log(`${entry.id}: wrote ${out} (weights ${result.card.weightsHash.slice(0, 12)}…)`);
}

const LIST_USAGE = `Usage: npx tlab models list [--catalog <path|url>] [--out models]

Lists the catalog's upstream checkpoints (the paper's 14 ResNet-50s and the modern ViT releases), the lab's
embedded zoo and imported models, and which are converted in --out.`;

export const modelsListCommand: CliCommand = {
  name: 'models list',
  summary: 'list the upstream checkpoints of the paper and the embedded zoo',
  usage: LIST_USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        catalog: { type: 'string', default: DEFAULT_CATALOG },
        out: { type: 'string', default: 'models' },
      },
    });
    const catalog = await loadCatalog(values.catalog!);
    const here = (id: string) => (existsSync(join(values.out!, id, 'card.json')) ? 'converted' : '');
    console.log(`embedded zoo: ${catalog.embedded.length ? catalog.embedded.join(', ') : '(none yet)'}`);
    if (catalog.imported.length)
      console.log(`imported (photo-trained, tfjs): ${catalog.imported.join(', ')}`);
    console.log(['id', 'name', 'family', 'top-1', 'licence', 'download', 'local'].join('\t'));
    for (const m of catalog.models) {
      const top1 = m.imagenetTop1 === null ? '-' : m.imagenetTop1.toFixed(1);
      const dl = m.url ? (m.sizeMB ? `yes (≈${m.sizeMB} MB)` : 'yes') : 'no (see note)';
      console.log([m.id, m.name, m.family, top1, m.licence, dl, here(m.id)].join('\t'));
    }
    return 0;
  },
};

const FETCH_USAGE = `Usage: npx tlab models fetch <id|all> [options]

  --catalog <path|url>  catalog to read (default ${DEFAULT_CATALOG})
  --out <dir>           where converted models go, one folder per id (default models)
  --cache <dir>         where downloaded checkpoints are kept (default ${DOWNLOAD_CACHE})
  --float16             store the converted weights as float16`;

export const modelsFetchCommand: CliCommand = {
  name: 'models fetch',
  summary: 'download, verify and convert upstream checkpoints into models/<id>/',
  usage: FETCH_USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        catalog: { type: 'string', default: DEFAULT_CATALOG },
        out: { type: 'string', default: 'models' },
        cache: { type: 'string', default: DOWNLOAD_CACHE },
        float16: { type: 'boolean', default: false },
      },
    });
    if (positionals.length !== 1) throw new UsageError('give one model id, or all');
    const catalog = await loadCatalog(values.catalog!);
    const wanted =
      positionals[0] === 'all' ? catalog.models : catalog.models.filter((m) => m.id === positionals[0]);
    if (wanted.length === 0) {
      throw new UsageError(
        `unknown model '${positionals[0]}' (known: ${catalog.models.map((m) => m.id).join(', ')})`,
      );
    }
    let failed = 0;
    for (const entry of wanted) {
      try {
        await fetchOne(entry, values.out!, values.cache!, values.float16!);
      } catch (err) {
        failed++;
        console.error(`${entry.id}: FAILED: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return failed === 0 ? 0 : 1;
  },
};
