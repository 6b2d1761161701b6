// Helpers for the browser parity specs: reach the lab worker through the page's debug handle
// (`window.__lab`, set in src/main.tsx), move bytes in and out of the page as base64, and build the one
// checkpoint fixture the shared set lacks (resnet50 in the PyContrast layout).

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import type { Remote } from 'comlink';
import type { LabStore } from '../src/app/store/index.ts';
import type { BackendName, ModelCard, ResizeRule } from '../src/core/types.ts';
import type { BackendInfo, ConvertOptions, LabApi } from '../src/worker/api.ts';

const PYTHON = '/usr/bin/python3';
const ROOT = resolve(import.meta.dirname, '..');
export const BROWSER_PARITY_DIR = join(ROOT, '.cache/fixtures/browser-parity');

/** The protocol's two resize rules (same as src/platform/node/decode.test.ts). */
export const LINEAR_RULE: ResizeRule = {
  mode: 'shorter-side',
  resize: 224,
  crop: 224,
  interpolation: 'bicubic',
};
export const FEWSHOT_RULE: ResizeRule = { mode: 'squash', resize: 257, crop: 224, interpolation: 'bilinear' };

/** The page's debug handle; only the members the parity specs use are spelled out. */
export interface LabWindow {
  __lab?: { remote: Remote<LabApi>; store: LabStore };
}

/** Why the parity references cannot be made here (Debian python3 lacks a module), or null. */
export function parityPythonMissing(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision, PIL, numpy'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not found (${probe.error.message})`;
  if (probe.status === 0) return null;
  const last = probe.stderr.trim().split('\n').pop() ?? '';
  return `${PYTHON} cannot import torch/torchvision/PIL/numpy (${last}); apt-get install python3-torchvision python3-pil`;
}

/** resnet50 in the PyContrast layout (zip and legacy), re-wrapped from `ref` by browser_parity.py. */
export function ensureResnet50PyContrast(ref: string): string {
  const wanted = ['zip', 'legacy'].map((f) => join(BROWSER_PARITY_DIR, `resnet50-pycontrast.${f}.pth`));
  if (wanted.every((p) => existsSync(p))) return BROWSER_PARITY_DIR;
  const script = join(ROOT, 'scripts/fixtures/browser_parity.py');
  const run = spawnSync(PYTHON, [script, ref, BROWSER_PARITY_DIR], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`browser_parity.py failed: ${run.stderr || run.error?.message}`);
  return BROWSER_PARITY_DIR;
}

export function toBase64(bytes: Uint8Array | Float32Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function fromBase64(text: string): Uint8Array {
  const buf = Buffer.from(text, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Opens the production build and waits until the worker's backend is up (the app's own boot path). */
export async function openLab(page: Page): Promise<BackendInfo> {
  await page.goto('./');
  const handle = await page
    .waitForFunction(
      () => (window as unknown as LabWindow).__lab?.store.getState().backend ?? null,
      undefined,
      {
        timeout: 60_000,
      },
    )
    .catch((error: Error) => {
      // A stale dist/ (built before the debug handle existed) or a backend that never started.
      throw new Error(
        `the lab's worker backend did not start (is dist/ current? npm run build): ${error.message}`,
      );
    });
  return (await handle.jsonValue()) as BackendInfo;
}

/** Switches the worker's tfjs backend (throws in the page if it cannot initialise). */
export async function setBackend(page: Page, backend: BackendName): Promise<BackendInfo> {
  return page.evaluate((b) => (window as unknown as LabWindow).__lab!.remote.setBackend(b), backend);
}

export interface ConvertedInPage {
  card: ModelCard;
  /** Errors the store reported during the conversion (e.g. missing weights); none for a good checkpoint. */
  errors: string[];
}

/**
 * Converts a checkpoint exactly as a dropped file is converted: a real File from an <input type=file>
 * (Playwright hands Chromium the path, so 100 MB never crosses the protocol), through the store's
 * convertCheckpoint → worker → convertDroppedCheckpoint.
 */
export async function convertInPage(
  page: Page,
  path: string,
  opts: ConvertOptions,
): Promise<ConvertedInPage> {
  await page.evaluate(() => {
    if (document.getElementById('parity-file')) return;
    const input = Object.assign(document.createElement('input'), {
      type: 'file',
      id: 'parity-file',
      hidden: true,
    });
    document.body.append(input);
  });
  await page.setInputFiles('#parity-file', path);
  const result = await page.evaluate(async (options) => {
    const file = (document.getElementById('parity-file') as HTMLInputElement).files?.[0];
    if (!file) throw new Error('the file input holds no file');
    const store = (window as unknown as LabWindow).__lab!.store;
    const errorsBefore = store.getState().errors.length;
    await store.getState().convertCheckpoint(file, options);
    const state = store.getState();
    const model = state.models.find((m) => m.origin === 'dropped' && m.card.name === options.name);
    return { card: model?.card ?? null, errors: state.errors.slice(errorsBefore).map((e) => e.message) };
  }, opts);
  if (!result.card) throw new Error(`conversion of ${path} produced no model: ${result.errors.join('; ')}`);
  return { card: result.card, errors: result.errors };
}

/** Features of a converted model for NHWC [0,1] pixels, computed in the worker on its current backend. */
export async function embedInPage(
  page: Page,
  modelId: string,
  batch: { data: Float32Array; n: number; size: number },
): Promise<Float32Array> {
  const b64 = await page.evaluate(
    async ({ id, data, n, size }) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const pixels = { data: new Float32Array(bytes.buffer), n, size };
      const features = await (window as unknown as LabWindow).__lab!.remote.embedPixels(id, pixels);
      const out = new Uint8Array(features.buffer, features.byteOffset, features.byteLength);
      let text = '';
      for (let i = 0; i < out.length; i += 0x8000)
        text += String.fromCharCode(...out.subarray(i, i + 0x8000));
      return btoa(text);
    },
    { id: modelId, data: toBase64(batch.data), n: batch.n, size: batch.size },
  );
  const raw = fromBase64(b64);
  return new Float32Array(raw.slice().buffer);
}

/**
 * Decodes `bytes` and applies `rule` in the worker (the browser decoder + our resampler); returns the crop as
 * 8-bit levels. The worker's floats are exactly level/255, so rounding back loses nothing.
 */
export async function preprocessInPage(page: Page, bytes: Uint8Array, rule: ResizeRule): Promise<Uint8Array> {
  const b64 = await page.evaluate(
    async ({ data, r }) => {
      const input = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const floats = await (window as unknown as LabWindow).__lab!.remote.preprocess(input, r);
      const levels = Uint8Array.from(floats, (v) => Math.round(v * 255));
      let text = '';
      for (let i = 0; i < levels.length; i += 0x8000)
        text += String.fromCharCode(...levels.subarray(i, i + 0x8000));
      return btoa(text);
    },
    { data: toBase64(bytes), r: rule },
  );
  return fromBase64(b64);
}
