// The headless CLI and the browser are the same lab: `tlab eval` on a folder and a browser run on the same
// folder (same seed, same settings, wasm in both, the production build in Chromium on two threads) give the
// same ResultRecord, every score and every detail to the last bit, apart from the time it was made. And the
// CLI gives the same record on one thread and on two (TLAB_THREADS). docs/determinism.md says why this holds.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { makePhotoCrops, photoCropsUnavailableReason } from '../scripts/datasets/make-photo-crops.ts';
import { makeSyntheticDataset, syntheticUnavailableReason } from '../scripts/datasets/make-synthetic.ts';
import { readNpy, toFloat32Matrix } from '../src/core/npy.ts';
import type { ResizeRule } from '../src/core/types.ts';
import { preprocessBytesNode } from '../src/platform/node/decode.ts';
import { collectErrors, waitForLab } from './helpers.ts';
import { embedInPage, openLab, preprocessInPage } from './parity-helpers.ts';

const MODELS = ['zoo-supervised-r10n', 'zoo-byol-r10n'];
/** Fields that say when or how fast, not what: they are the only ones allowed to differ. */
const TIMING_FIELDS = new Set(['createdAt']);

type RecordLike = Record<string, unknown> & { backend: string; scores: { probe: string; value: number }[] };

interface Folder {
  name: string;
  /** Why it cannot be made here, or null. */
  unavailable: () => string | null;
  make: () => string;
  classes: number;
}

const FOLDERS: Folder[] = [
  {
    // Colour JPEG photos at 40–96 px (not the zoo's 32×32), no split given: the lab plans train/val/test.
    name: 'photo crops (colour JPEG, varied sizes, no split)',
    unavailable: photoCropsUnavailableReason,
    make: () => makePhotoCrops({ out: '.cache/e2e/photo-crops', perClass: 24, seed: 0 }),
    classes: 8,
  },
  {
    // Grey 28×28 PNGs with train/ and test/ folders.
    name: 'mnist demo set (train/test given)',
    unavailable: () => null,
    make: () => resolve('public/datasets/mnist'),
    classes: 10,
  },
  {
    // Derived Fashion-MNIST product photos in colour at 48×48 PNG, no split given.
    name: 'derived Fashion-MNIST at 48×48 (no split)',
    unavailable: () => syntheticUnavailableReason(),
    make: () => makeSyntheticDataset({ out: '.cache/e2e/parity-fmnist-48', count: 300, size: 48, seed: 5 }),
    classes: 10,
  },
];

/** The record with timing fields removed, as canonical JSON (keys sorted at every level). */
function canonical(record: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([k]) => !TIMING_FIELDS.has(k));
      return Object.fromEntries(
        entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sortKeys(x)]),
      );
    }
    return v;
  };
  // JSON keeps every float64 exactly (shortest round-trip form), so equal text is equal bits.
  return JSON.stringify(sortKeys(record), null, 1);
}

function runCli(folder: string, threads: number, tag: string): RecordLike {
  mkdirSync(resolve('.cache/e2e'), { recursive: true });
  const out = resolve(`.cache/e2e/cli-parity-${tag}-t${threads}.json`);
  const args = [
    'bin/tlab.js',
    'eval',
    '--data',
    folder,
    '--models',
    MODELS.join(','),
    '--probes',
    'linear,fewshot',
  ];
  const cli = spawnSync('node', [...args, '--backend', 'wasm', '--seed', '0', '--no-cache', '--out', out], {
    encoding: 'utf8',
    timeout: 200_000,
    env: { ...process.env, TLAB_THREADS: String(threads) },
  });
  if (cli.status !== 0) throw new Error(`tlab eval failed (${cli.status}): ${cli.stderr}\n${cli.stdout}`);
  return JSON.parse(readFileSync(out, 'utf8')) as RecordLike;
}

async function runBrowser(page: Page, folder: string, classes: number): Promise<RecordLike> {
  await page.goto('./');
  await waitForLab(page);
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await wasmThreads(page)).toBeGreaterThanOrEqual(2);
  for (const box of await page.getByTestId('model-picker').locator('input[type=checkbox]').all()) {
    await box.setChecked(MODELS.includes((await box.getAttribute('value')) ?? ''));
  }
  await page.getByRole('checkbox', { name: /^Few-shot/ }).setChecked(true);
  await page.getByRole('checkbox', { name: /^Linear probe/ }).setChecked(true);
  await page.getByTestId('folder-input').setInputFiles(folder);
  await expect(page.getByTestId('dataset-summary')).toContainText(`${classes} classes`);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('progress')).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
  return page.evaluate(() => {
    type Store = { getState(): { records: unknown[] } };
    const records = (window as unknown as { __lab: { store: Store } }).__lab.store.getState().records;
    return records.at(-1) as RecordLike;
  });
}

/** tfjs-wasm's thread count in the lab's worker, as the backend reported it. */
function wasmThreads(page: Page): Promise<number> {
  return page.evaluate(() => {
    type Store = { getState(): { backend: { threads: number } | null } };
    return (window as unknown as { __lab: { store: Store } }).__lab.store.getState().backend?.threads ?? 0;
  });
}

/** Two records agree except for timing; on failure the first differing line is in the message. */
function expectSameRecord(a: RecordLike, b: RecordLike, what: string): void {
  const [x, y] = [canonical(a).split('\n'), canonical(b).split('\n')];
  const first = x.findIndex((line, i) => line !== y[i]);
  const where = first < 0 ? '' : `line ${first}: ${x[first]} vs ${y[first]}`;
  expect(where, `${what}: records differ`).toBe('');
  expect(x.length).toBe(y.length);
}

for (const folder of FOLDERS) {
  test(`CLI (1 and 2 threads) and browser (2 threads): identical records on ${folder.name}`, async ({
    page,
  }) => {
    // Two CLI runs and a browser run of two models: minutes on a shared 2-core machine (a hang guard).
    test.setTimeout(900_000);
    const reason = folder.unavailable();
    test.skip(reason !== null, `SKIPPED: ${reason}`);
    const path = folder.make();
    const tag = path.split('/').at(-1)!;
    const one = runCli(path, 1, tag);
    const two = runCli(path, 2, tag);
    expectSameRecord(one, two, 'CLI on 1 thread vs 2 threads');
    const errors = collectErrors(page);
    const browser = await runBrowser(page, path, folder.classes);
    // Kept for a diff when the records disagree.
    writeFileSync(
      resolve(`.cache/e2e/cli-parity-${tag}-browser.json`),
      `${JSON.stringify(browser, null, 2)}\n`,
    );
    expect(browser.backend).toBe('wasm');
    expect(two.backend).toBe('wasm');
    // Real scores, not an empty record: linear and few-shot for both models.
    const linear = two.scores.filter((s) => s.probe === 'linear');
    expect(linear).toHaveLength(MODELS.length);
    for (const s of linear) expect(s.value).toBeGreaterThan(1.5 / folder.classes);
    expect(two.scores.some((s) => s.probe.startsWith('fewshot-'))).toBe(true);
    expectSameRecord(two, browser, 'CLI vs browser');
    expect(errors).toEqual([]);
  });
}

// The stages under the record, checked on their own: every decoded and resized pixel and every feature of the
// photo crops, the browser's (wasm, XNNPACK on two threads) against Node's (one thread), bit for bit.
test('pixels and features of colour photos: the browser equals Node bit for bit', async ({ page }) => {
  const reason = photoCropsUnavailableReason();
  test.skip(reason !== null, `SKIPPED: ${reason}`);
  const folder = makePhotoCrops({ out: '.cache/e2e/photo-crops', perClass: 24, seed: 0 });
  const model = MODELS[1];
  const out = resolve(`.cache/e2e/features-${model}.npy`);
  const embed = spawnSync(
    'node',
    ['bin/tlab.js', 'embed', '--model', model, '--data', folder, '--out', out, '--no-cache', '--force'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (embed.status !== 0) throw new Error(`tlab embed failed: ${embed.stderr}`);
  const node = toFloat32Matrix(readNpy(readFileSync(out)));
  // tlab embed writes the row paths as JSON lines beside the features.
  const keys = readFileSync(`${out}.paths.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as string);
  const card = JSON.parse(readFileSync(`models/${model}/card.json`, 'utf8'));
  const rule = card.preprocessing.linear as ResizeRule;
  const errors = collectErrors(page);
  await openLab(page);
  expect(await wasmThreads(page)).toBeGreaterThanOrEqual(2);
  const size = rule.crop;
  const pixels = new Float32Array(keys.length * size * size * 3);
  let levelsDiffering = 0;
  for (const [i, key] of keys.entries()) {
    const bytes = new Uint8Array(readFileSync(`${folder}/${key}`));
    const inNode = await preprocessBytesNode(bytes, key, rule);
    const inPage = await preprocessInPage(page, bytes, rule);
    inNode.forEach((v, j) => {
      if (Math.round(v * 255) !== inPage[j]) levelsDiffering++;
    });
    pixels.set(inNode, i * inNode.length);
  }
  expect(levelsDiffering).toBe(0);
  const features = await embedInPage(page, model, { data: pixels, n: keys.length, size });
  expect(features.length).toBe(node.n * node.d);
  const differing = features.filter((v, j) => v !== node.X[j]).length;
  expect(differing, `${differing} of ${features.length} features differ`).toBe(0);
  expect(errors).toEqual([]);
});
