// Worker side of the Chromium benchmark: the lab's backend choice and backbone, timed block by block on the
// driver's request (browser-bench.ts interleaves the blocks with PyTorch's).

import type { BackendName, ModelCard } from '../../src/core/types.ts';
import { loadAnyBackbone } from '../../src/engine/backbones.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { convKernelFor } from '../../src/engine/cpu-route/conv-tile.ts';
import { type BackboneRoute, setBackboneRoute } from '../../src/engine/cpu-route/route.ts';
import { gemmEngine, setSharedGemmOptions } from '../../src/engine/gemm/shared-engine.ts';
import type { Backbone } from '../../src/engine/types.ts';
import { type EmbedTimer, embedTimer, randomResNet50Files } from './random-resnet.ts';
import { randomVitB16Files } from './random-vit.ts';

export type Request =
  | {
      type: 'init';
      backend: BackendName | 'auto';
      arch: 'resnet50' | 'vit_b_16';
      batch: number;
      /** Force the GEMM's tile height (default: each kernel measures 4 and 6 rows and keeps the faster). */
      tile?: 4 | 6;
    }
  | { type: 'load'; route: BackboneRoute }
  | { type: 'time'; rounds: number };

let model: { card: ModelCard; files: Map<string, Uint8Array> } | null = null;
let batch = 8;
let backbone: Backbone | null = null;
let timer: EmbedTimer | null = null;

async function handle(m: Request): Promise<unknown> {
  if (m.type === 'init') {
    if (m.tile) setSharedGemmOptions({ tileRows: m.tile });
    const info = await initBackend(m.backend);
    model = m.arch === 'vit_b_16' ? await randomVitB16Files() : await randomResNet50Files();
    batch = m.batch;
    return { info, crossOriginIsolated: globalThis.crossOriginIsolated };
  }
  if (m.type === 'load') {
    if (!model) throw new Error('init first');
    const files = model.files;
    backbone?.dispose();
    setBackboneRoute(m.route);
    backbone = await loadAnyBackbone(model.card, async (p) => files.get(p) ?? new Uint8Array(0));
    const b = backbone;
    timer = await embedTimer((p) => b.embed(p), batch);
    const gemm = m.route === 'wasm-gemm' ? await gemmEngine() : null;
    const kernel = gemm ? `wasm GEMM, ${(await convKernelFor(gemm)).mr}×8 tiles, mul+add` : null;
    return { first: timer.first, checksum: timer.checksum, gemm: kernel, gemmThreads: gemm?.threads ?? null };
  }
  if (!timer) throw new Error('load first');
  return { times: await timer.time(m.rounds) };
}

self.onmessage = async (e: MessageEvent<Request>) => {
  try {
    self.postMessage(await handle(e.data));
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
