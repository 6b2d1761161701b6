// Worker side of the Chromium benchmark: the lab's backend choice and backbone, timed.

import type { BackendName } from '../../src/core/types.ts';
import { loadAnyBackbone } from '../../src/engine/backbones.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { convKernelFor } from '../../src/engine/cpu-route/conv-tile.ts';
import { type BackboneRoute, setBackboneRoute } from '../../src/engine/cpu-route/route.ts';
import { gemmEngine, setSharedGemmOptions } from '../../src/engine/gemm/shared-engine.ts';
import { randomResNet50Files, timeEmbed } from './random-resnet.ts';
import { randomVitB16Files } from './random-vit.ts';

interface Request {
  batch: number;
  rounds: number;
  backend: BackendName | 'auto';
  arch: 'resnet50' | 'vit_b_16';
  /** Each route is timed on the same backend: the CPU route (lab's wasm GEMM) and the tfjs graph. */
  routes: BackboneRoute[];
  /** Force the GEMM's tile height (default: the engine measures 4 and 6 rows and keeps the faster). */
  tile?: 4 | 6;
}

self.onmessage = async (e: MessageEvent<Request>) => {
  try {
    if (e.data.tile) setSharedGemmOptions({ tileRows: e.data.tile });
    const info = await initBackend(e.data.backend);
    const make = e.data.arch === 'vit_b_16' ? randomVitB16Files : randomResNet50Files;
    const { card, files } = await make();
    const routes = [];
    for (const route of e.data.routes) {
      setBackboneRoute(route);
      const backbone = await loadAnyBackbone(card, async (p) => files.get(p) ?? new Uint8Array(0));
      const timing = await timeEmbed((p) => backbone.embed(p), e.data.batch, e.data.rounds);
      backbone.dispose();
      const gemm = route === 'wasm-gemm' ? await gemmEngine() : null;
      const tile = gemm ? (await convKernelFor(gemm)).mr : null;
      const kernel = gemm ? `wasm GEMM, ${tile}×8 tiles, mul+add` : null;
      routes.push({ route, gemmThreads: gemm?.threads ?? null, gemm: kernel, ...timing });
    }
    self.postMessage({
      arch: e.data.arch,
      info,
      routes,
      crossOriginIsolated: globalThis.crossOriginIsolated,
    });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
