// Worker side of the Chromium benchmark: the lab's backend choice and backbone, timed.

import type { BackendName } from '../../src/core/types.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { loadBackboneFromFiles } from '../../src/engine/load-backbone.ts';
import { randomResNet50Files, timeEmbed } from './random-resnet.ts';

interface Request {
  batch: number;
  rounds: number;
  backend: BackendName | 'auto';
}

self.onmessage = async (e: MessageEvent<Request>) => {
  try {
    const info = await initBackend(e.data.backend);
    const { card, files } = await randomResNet50Files();
    const backbone = await loadBackboneFromFiles(card, files);
    const timing = await timeEmbed((p) => backbone.embed(p), e.data.batch, e.data.rounds);
    backbone.dispose();
    self.postMessage({ info, ...timing, crossOriginIsolated: globalThis.crossOriginIsolated });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
