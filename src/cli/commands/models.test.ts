// `tlab models list|fetch` against a local HTTP server (127.0.0.1) that serves a fixture checkpoint and a
// test catalog: download, hash check, conversion with the catalog's profile, and the failure paths.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCheckpointFixtures } from '../../convert/test-fixtures.ts';
import { timmKeys, vitSafetensors } from '../../convert/vit-test-keys.ts';
import { sha256Hex } from '../../core/hash.ts';
import type { ModelCard } from '../../core/types.ts';
import { parseCatalog } from '../../engine/model-format/catalog.ts';
import { convertCheckpoint } from '../../engine/model-format/convert-checkpoint.ts';
import { torchMissingReason } from '../../engine/resnet/test-fixtures.ts';
import { main } from '../main.ts';
import { download, type FetchConverters, fetchOne } from './models.ts';

/** A few timm-named ViT tensors under model (MAE/DeiT style): what a fetch must download and hand on. */
/** A one-block, 64-wide timm-layout ViT under the container 'model' (as the catalog entry says). */
function tinyVitCheckpoint(): Uint8Array {
  const keys = timmKeys({ D: 64, depth: 1, p: 16, grid: 2 });
  return vitSafetensors(new Map([...keys].map(([k, s]) => [`model/${k}`, s] as [string, number[]])));
}

const skipReason = torchMissingReason();
if (skipReason) console.warn(`\n!!! ${skipReason}\n`);

function entry(id: string, url: string | null, sha256: string | null) {
  return {
    id,
    name: `Tiny ${id}`,
    family: 'moco',
    arch: 'resnet-tiny',
    url,
    sha256,
    container: 'state_dict',
    prefix: 'module.encoder_q.',
    profile: 'moco',
    normalisation: 'imagenet',
    imagenetTop1: 12.5,
    licence: 'CC-BY-NC-4.0',
    note: 'test entry',
  };
}

describe('models/catalog.json', () => {
  it('is a valid catalog with the 14 models of the paper and an embedded list', () => {
    const catalog = parseCatalog(
      JSON.parse(readFileSync(join(import.meta.dirname, '../../../models/catalog.json'), 'utf8')),
    );
    expect(catalog.models.map((m) => m.id)).toEqual([
      ...['insdis', 'moco-v1', 'pcl-v1', 'pirl', 'pcl-v2', 'simclr-v1', 'moco-v2', 'simclr-v2', 'sela-v2'],
      ...['infomin', 'byol', 'deepcluster-v2', 'swav', 'supervised'],
      ...['dino-vits16', 'dino-vitb16', 'dinov2-vits14', 'dinov2-vitb14', 'dinov2-vitl14', 'mae-vitb16'],
      ...['clip-vitb16', 'deit-s16', 'torchvision-vitb16'],
    ]);
    expect(Array.isArray(catalog.embedded)).toBe(true);
    for (const m of catalog.models) {
      if (m.url === null) expect(m.note, `${m.id} needs a note saying why there is no url`).toBeTruthy();
      const norm = m.family === 'simclr' ? 'none' : m.family === 'clip' ? 'clip' : 'imagenet';
      expect(m.normalisation, m.id).toBe(norm);
    }
    // The modern releases: official URLs, a key layout, a size, a licence, and a cited top-1.
    for (const m of catalog.models.filter((x) => x.kind === 'vit')) {
      expect(m.url, m.id).toMatch(
        /^https:\/\/(dl\.fbaipublicfiles\.com|openaipublic\.azureedge\.net|download\.pytorch\.org)\//,
      );
      expect(['timm', 'torchvision', 'clip'], m.id).toContain(m.layout);
      expect(m.sizeMB, m.id).toBeGreaterThan(0);
      expect(m.licence, m.id).not.toBe('unknown');
      expect(m.top1Source, m.id).toBeTruthy();
      expect(m.top1Kind, m.id).toBe(m.family === 'supervised' ? 'supervised' : 'linear');
    }
  });
});

describe.skipIf(skipReason !== null).sequential('tlab models fetch (local HTTP server)', () => {
  let server: Server;
  let base = '';
  let dir = '';
  let checkpoint: Uint8Array = new Uint8Array();
  let vitCheckpoint: Uint8Array = new Uint8Array();
  let catalogJson: unknown = null;
  const logs: string[] = [];
  const errors: string[] = [];
  const orig = { log: console.log, error: console.error };

  beforeAll(async () => {
    checkpoint = new Uint8Array(readFileSync(join(ensureCheckpointFixtures(), 'tiny-moco.zip.pth')));
    const sha = await sha256Hex(checkpoint);
    vitCheckpoint = tinyVitCheckpoint();
    const catalog = {
      formatVersion: 1,
      embedded: ['zoo-x'],
      models: [
        entry('tiny', null, sha),
        entry('tiny-bad-hash', null, '0'.repeat(64)),
        entry('tiny-no-url', null, null),
        {
          ...entry('tiny-vit', null, await sha256Hex(vitCheckpoint)),
          kind: 'vit',
          family: 'dino',
          layout: 'timm',
          patchSize: 16,
          container: 'model',
          prefix: '',
          profile: 'auto',
          top1Source: 'test',
        },
      ],
    };
    catalogJson = catalog;
    server = createServer((req, res) => {
      if (req.url === '/tiny.pth') {
        res.writeHead(200, { 'Content-Length': checkpoint.byteLength });
        res.end(checkpoint);
      } else if (req.url === '/tiny-vit.safetensors') {
        res.writeHead(200, { 'Content-Length': vitCheckpoint.byteLength });
        res.end(vitCheckpoint);
      } else if (req.url === '/catalog.json') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(catalog));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    catalog.models[0].url = `${base}/tiny.pth`;
    catalog.models[1].url = `${base}/tiny.pth`;
    catalog.models[3].url = `${base}/tiny-vit.safetensors`;
    dir = mkdtempSync(join(tmpdir(), 'tlab-models-'));
    console.log = (...a: unknown[]) => logs.push(a.join(' '));
    console.error = (...a: unknown[]) => errors.push(a.join(' '));
  });
  afterAll(() => {
    Object.assign(console, orig);
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('downloads with progress up to the full size', async () => {
    const seen: [number, number | null][] = [];
    const bytes = await download(`${base}/tiny.pth`, (r, t) => seen.push([r, t]));
    expect(bytes).toEqual(checkpoint);
    expect(seen.at(-1)).toEqual([checkpoint.byteLength, checkpoint.byteLength]);
  });

  it('fetches, verifies and converts a model named in a catalog served over HTTP', async () => {
    const args = [
      '--catalog',
      `${base}/catalog.json`,
      '--out',
      join(dir, 'models'),
      '--cache',
      join(dir, 'dl'),
    ];
    expect(await main(['models', 'fetch', 'tiny', ...args])).toBe(0);
    const card = JSON.parse(readFileSync(join(dir, 'models/tiny/card.json'), 'utf8')) as ModelCard;
    expect(card).toMatchObject({
      id: 'tiny',
      name: 'Tiny tiny',
      family: 'moco',
      licence: 'CC-BY-NC-4.0',
      imagenetTop1: 12.5,
      source: `${base}/tiny.pth`,
      checkpointSha256: await sha256Hex(checkpoint),
      architecture: 'resnet-tiny',
    });
    expect(existsSync(join(dir, 'models/tiny/model.json'))).toBe(true);
    expect(logs.join('\n')).toMatch(/profile: moco/);
    // The same file through `tlab convert` gives the same weights.
    const local = join(dir, 'tiny.pth');
    await import('node:fs/promises').then((fs) => fs.writeFile(local, checkpoint));
    expect(await main(['convert', local, '--out', join(dir, 'conv'), '--profile', 'moco'])).toBe(0);
    const converted = JSON.parse(readFileSync(join(dir, 'conv/card.json'), 'utf8')) as ModelCard;
    expect(converted.weightsHash).toBe(card.weightsHash);
  });

  it('refuses a download whose sha256 differs from the catalog, and says why for a model without a URL', async () => {
    const args = [
      '--catalog',
      `${base}/catalog.json`,
      '--out',
      join(dir, 'models'),
      '--cache',
      join(dir, 'dl'),
    ];
    expect(await main(['models', 'fetch', 'tiny-bad-hash', ...args])).toBe(1);
    expect(errors.join('\n')).toMatch(
      /tiny-bad-hash: FAILED: tiny-bad-hash: sha256 [0-9a-f]{64} does not match the catalog/,
    );
    expect(existsSync(join(dir, 'models/tiny-bad-hash'))).toBe(false);
    expect(await main(['models', 'fetch', 'tiny-no-url', ...args])).toBe(0);
    expect(logs.join('\n')).toMatch(/tiny-no-url: no direct download — test entry/);
    expect(await main(['models', 'fetch', 'nope', ...args])).toBe(2);
  });

  it('a ViT entry is downloaded and hash-checked like a ResNet, then goes to the ViT conversion', async () => {
    const args = [
      '--catalog',
      `${base}/catalog.json`,
      '--out',
      join(dir, 'models'),
      '--cache',
      join(dir, 'dl'),
    ];
    errors.length = 0;
    // The layout search finds the ViT in the catalog's container and the ViT converter writes a lab-vit model.
    expect(await main(['models', 'fetch', 'tiny-vit', ...args])).toBe(0);
    const cached = new Uint8Array(readFileSync(join(dir, 'dl/tiny-vit.checkpoint')));
    expect(await sha256Hex(cached)).toBe(await sha256Hex(vitCheckpoint));
    const card = JSON.parse(readFileSync(join(dir, 'models/tiny-vit/card.json'), 'utf8'));
    expect(card).toMatchObject({ format: 'lab-vit', featureSize: 64 });
    // The fetch hands the verified bytes and the entry's layout to whichever ViT converter is wired.
    const seen: Array<{ sha: string; layout: string; patch?: number; container?: string }> = [];
    const vit: FetchConverters['vit'] = async (bytes, opts) => {
      seen.push({
        sha: await sha256Hex(bytes),
        layout: opts.layout,
        patch: opts.patchSize,
        container: opts.container,
      });
      throw new Error('recorded');
    };
    const parsed = parseCatalog(catalogJson);
    const entry = parsed.models.find((m) => m.id === 'tiny-vit');
    if (!entry) throw new Error('no tiny-vit entry');
    await expect(
      fetchOne(entry, join(dir, 'models'), join(dir, 'dl'), false, { resnet: convertCheckpoint, vit }),
    ).rejects.toThrow('recorded');
    expect(seen).toEqual([
      { sha: await sha256Hex(vitCheckpoint), layout: 'timm', patch: 16, container: 'model' },
    ]);
  });

  it('lists the catalog, the embedded zoo and what is converted locally', async () => {
    logs.length = 0;
    expect(
      await main(['models', 'list', '--catalog', `${base}/catalog.json`, '--out', join(dir, 'models')]),
    ).toBe(0);
    const text = logs.join('\n');
    expect(text).toMatch(/embedded zoo: zoo-x/);
    expect(text).toMatch(/^tiny\tTiny tiny\tmoco\t12\.5\tCC-BY-NC-4\.0\tyes\tconverted$/m);
    expect(text).toMatch(/^tiny-no-url\t.*\tno \(see note\)\t$/m);
  });
});
