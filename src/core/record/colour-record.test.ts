// Colour scores in the record: the inversion's 'mse' metric and details.colourInversion survive validation,
// CSV and permalinks (which keep the score and its per-channel extras, and drop details as for calibration).

import { describe, expect, it } from 'vitest';
import { recordToCsv } from './csv.ts';
import { smallRecord } from './fixtures.ts';
import { decodePermalink, encodePermalink } from './permalink.ts';
import type { ResultRecord } from './types.ts';
import { validateRecord } from './validate.ts';

function withInversion(): ResultRecord {
  const record = smallRecord();
  record.scores.push({
    model: 'swav',
    dataset: 'pets',
    probe: 'inversion-mse',
    metric: 'mse',
    value: 1200.5,
    extra: { mseR: 1100, mseG: 1250.25, mseB: 1251.25, steps: 30, finalLoss: 0.42 },
  });
  record.details = {
    colourInversion: {
      swav: {
        pets: {
          imageKey: 'test/cat/1.png',
          steps: 30,
          learningRate: 1e-3,
          mse: { r: 1100, g: 1250.25, b: 1251.25 },
          losses: [
            { step: 0, loss: 1 },
            { step: 30, loss: 0.42 },
          ],
        },
      },
    },
  };
  return record;
}

describe('colour inversion in the record', () => {
  it('validates the mse score and the inversion detail', () => {
    const record = withInversion();
    expect(validateRecord(structuredClone(record))).toEqual(record);
  });

  it('rejects an MSE above 255² and a detail for a model the record lacks', () => {
    const big = withInversion();
    big.scores.at(-1)!.value = 70_000;
    expect(() => validateRecord(big)).toThrow(/scores\[\d+\]\.value/);
    const stranger = withInversion();
    stranger.details!.colourInversion = { nobody: stranger.details!.colourInversion!.swav };
    expect(() => validateRecord(stranger)).toThrow(/nobody/);
  });

  it('keeps the score and its per-channel extras in CSV and permalinks', () => {
    const record = withInversion();
    const csv = recordToCsv([record]).trim().split('\n').at(-1)!;
    expect(csv).toContain('inversion-mse,mse,1200.5');
    expect(csv).toContain('mseG=1250.25');
    const back = decodePermalink(encodePermalink(record));
    expect(back.scores.at(-1)).toEqual(record.scores.at(-1));
    expect(back.details).toBeUndefined();
  });
});
