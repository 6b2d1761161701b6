// Worker side of the Chromium benchmark: the lab's backend choice and backbone, timed.

import type { BackendName } from '../../src/core/types.ts';
import { loadAnyBackbone } from '../../src/engine/backbones.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { randomResNet50Files, timeEmbed } from './random-resnet.ts';
import { randomVitB16Files } from './random-vit.ts';

interface Request {
  batch: number;
  rounds: number;
  backend: BackendName | 'auto';
  arch: 'resnet50' | 'vit_b_16';
}

self.onmessage = async (e: MessageEvent<Request>) => {
  try {
    const info = await initBackend(e.data.backend);
    const make = e.data.arch === 'vit_b_16' ? randomVitB16Files : randomResNet50Files;
    const { card, files } = await make();
    const backbone = await loadAnyBackbone(card, async (p) => files.get(p) ?? new Uint8Array(0));
    const timing = await timeEmbed((p) => backbone.embed(p), e.data.batch, e.data.rounds);
    backbone.dispose();
    self.postMessage({
      arch: e.data.arch,
      info,
      ...timing,
      crossOriginIsolated: globalThis.crossOriginIsolated,
    });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
