// The checkpoint-conversion state: a progress message that arrives after the conversion resolved (the worker's
// channel delivers it late) must not bring back "converting" and hide the report.

import { describe, expect, it } from 'vitest';
import type { ConvertReport } from '../../convert/checkpoint.ts';
import type { Progress } from '../../core/types.ts';
import type { ModelEntry } from '../../worker/models.ts';
import { scriptedClient } from '../test/scripted-client.ts';
import { createLabStore } from './index.ts';

const REPORT: ConvertReport = {
  format: 'zip',
  container: 'student',
  prefix: 'module.backbone.',
  kind: 'resnet',
  architecture: 'resnet-basic-1111-w2',
  naming: 'torchvision',
  profile: 'auto',
  dropped: [],
  missing: [],
  renamed: 0,
  tensors: 30,
  outside: 0,
  alternatives: [],
};

describe('models slice: checkpoint conversion', () => {
  it('ends in the report even when the last progress message comes after the result', async () => {
    const script = scriptedClient();
    let late: (() => void) | null = null;
    script.client.convertCheckpoint = async (_file, _opts, onProgress: (p: Progress) => void) => {
      onProgress({ stage: 'Converting a.pth', done: 1, total: 2, ratePerSecond: null, etaSeconds: null });
      late = () =>
        onProgress({ stage: 'Converting a.pth', done: 2, total: 2, ratePerSecond: null, etaSeconds: null });
      const model = {
        card: { id: 'a-converted', family: 'dino' },
        origin: 'dropped',
      } as unknown as ModelEntry;
      return { model, report: REPORT, familyFrom: 'named by you' };
    };
    const store = createLabStore(script.client);
    await store
      .getState()
      .convertCheckpoint(new File([], 'a.pth'), { normalisation: 'imagenet', profile: 'auto' });
    late!();
    const state = store.getState();
    expect(state.converting).toBeNull();
    expect(state.lastConversion).toContain(
      'a.pth: resnet-basic-1111-w2 (torchvision names) found in student › module.backbone.',
    );
    expect(state.selectedModels).toContain('a-converted');
  });
});
