import { describe, expect, it } from 'vitest';
import { smallRecord } from './fixtures.ts';
import type { ResultRecord } from './types.ts';
import { RecordError, validateRecord } from './validate.ts';
import { MAX_CONFUSION_CLASSES, validateConfusionMatrix } from './validate-details.ts';

/** smallRecord (flowers: 3 classes, pets: 2) with the given confusion detail, as parsed JSON would be. */
function withConfusion(confusion: unknown): unknown {
  const record: ResultRecord = smallRecord();
  return JSON.parse(JSON.stringify({ ...record, details: { confusion } }));
}

function errorOf(x: unknown): RecordError {
  try {
    validateRecord(x);
  } catch (err) {
    if (err instanceof RecordError) return err;
    throw err;
  }
  throw new Error('expected a RecordError');
}

describe('details.confusion validation', () => {
  it('keeps valid square matrices sized to each dataset', () => {
    const confusion = {
      sup: {
        flowers: [
          [5, 1, 0],
          [0, 6, 0],
          [2, 0, 4],
        ],
        pets: [
          [9, 1],
          [3, 7],
        ],
      },
    };
    const parsed = withConfusion(confusion);
    expect(validateRecord(parsed).details?.confusion).toEqual(confusion);
  });

  it('rejects a matrix whose size differs from the dataset class count', () => {
    const err = errorOf(
      withConfusion({
        sup: {
          pets: [
            [1, 0, 0],
            [0, 1, 0],
            [0, 0, 1],
          ],
        },
      }),
    );
    expect(err.field).toBe('details.confusion.sup.pets');
    expect(err.message).toMatch(/3 rows but the dataset has 2 classes/);
  });

  it('rejects ragged rows, negative and fractional counts', () => {
    expect(errorOf(withConfusion({ sup: { pets: [[1, 0], [0]] } })).field).toBe(
      'details.confusion.sup.pets[1]',
    );
    expect(
      errorOf(
        withConfusion({
          sup: {
            pets: [
              [1, -1],
              [0, 1],
            ],
          },
        }),
      ).field,
    ).toBe('details.confusion.sup.pets[0][1]');
    expect(
      errorOf(
        withConfusion({
          sup: {
            pets: [
              [1, 0.5],
              [0, 1],
            ],
          },
        }),
      ).message,
    ).toMatch(/whole number/);
  });

  it('rejects unknown models and datasets', () => {
    expect(
      errorOf(
        withConfusion({
          nope: {
            pets: [
              [1, 0],
              [0, 1],
            ],
          },
        }),
      ).message,
    ).toMatch(/'nope' is not one of the record's models/);
    expect(errorOf(withConfusion({ sup: { cars: [[1]] } })).message).toMatch(
      /'cars' is not one of the record's datasets/,
    );
  });

  it('caps the number of classes', () => {
    const big = Array.from({ length: MAX_CONFUSION_CLASSES + 1 }, () => []);
    expect(() => validateConfusionMatrix(big, 'm', undefined)).toThrow(/more than 1000/);
    expect(
      validateConfusionMatrix(
        [
          [0, 2],
          [1, 0],
        ],
        'm',
        undefined,
      ),
    ).toEqual([
      [0, 2],
      [1, 0],
    ]);
  });
});
