import { describe, expect, it } from 'vitest';
import { paperScaleRecord, smallRecord } from './fixtures.ts';
import type { ResultRecord } from './types.ts';
import { RecordError, validateRecord } from './validate.ts';

/** A deep copy as plain JSON, as a saved file would give it. */
function json(r: ResultRecord): Record<string, unknown> {
  return JSON.parse(JSON.stringify(r));
}

function expectRecordError(x: unknown, field: string, message: RegExp): void {
  let thrown: unknown;
  try {
    validateRecord(x);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(RecordError);
  expect((thrown as RecordError).field).toBe(field);
  expect((thrown as RecordError).message).toMatch(message);
}

describe('validateRecord accepts', () => {
  it('valid records and returns equal copies', () => {
    for (const r of [smallRecord(), paperScaleRecord()]) {
      const out = validateRecord(json(r));
      expect(out).toEqual(r);
    }
  });

  it('calibration details with typed bins', () => {
    const r = json(smallRecord());
    const bins = [{ confidence: 0.55, accuracy: 0.5, count: 10 }];
    r.details = {
      calibration: {
        sup: { pets: { before: bins, after: bins, eceBefore: 0.1, eceAfter: 0.02, temperature: 1.7 } },
      },
      other: 'kept',
    };
    expect(validateRecord(r).details).toEqual(r.details);
  });

  it('drops unknown fields instead of passing them on', () => {
    const r = json(smallRecord());
    r.surprise = '<script>';
    (r.models as Record<string, unknown>[])[0].extraField = 1;
    const out = validateRecord(r) as unknown as Record<string, unknown>;
    expect(out.surprise).toBeUndefined();
    expect((out.models as Record<string, unknown>[])[0].extraField).toBeUndefined();
  });
});

describe('validateRecord refuses, naming the field', () => {
  it('non-objects and records from a newer lab', () => {
    expectRecordError(null, '', /expected an object, got null/);
    expectRecordError([], '', /expected an object, got an array/);
    expectRecordError({ ...json(smallRecord()), schema: 3 }, 'schema', /made by a newer lab \(schema 3\)/);
    expectRecordError({ ...json(smallRecord()), schema: 0 }, 'schema', /outside/);
    expectRecordError(
      { ...json(smallRecord()), schema: '1' },
      'schema',
      /expected a finite number, got a string/,
    );
  });

  it('wrong types, bad ranges and overlong strings', () => {
    const cases: [(r: ResultRecord) => void, string, RegExp][] = [
      [(r) => (r.scores[1].value = Number.NaN), 'scores[1].value', /finite number, got NaN/],
      [(r) => (r.scores[1].value = 1.01), 'scores[1].value', /1.01 is outside \[0, 1\]/],
      [(r) => (r.scores[0].ci95 = -0.1), 'scores[0].ci95', /outside/],
      [
        (r) => ((r.scores[0] as { metric: string }).metric = 'f1'),
        'scores[0].metric',
        /expected one of top1/,
      ],
      [(r) => (r.scores[2].model = 'dino'), 'scores[2].model', /'dino' is not one of the record's models/],
      [
        (r) => (r.scores[2].dataset = 'cars'),
        'scores[2].dataset',
        /'cars' is not one of the record's datasets/,
      ],
      [(r) => (r.scores[3].extra = { log10C: Number.POSITIVE_INFINITY }), 'scores[3].extra.log10C', /finite/],
      [(r) => (r.models[1].name = 'x'.repeat(201)), 'models[1].name', /201 characters long, more than 200/],
      [(r) => (r.models[1].id = 'sup'), 'models[1].id', /'sup' appears twice/],
      [(r) => (r.models[0].featureSize = 1.5), 'models[0].featureSize', /whole number/],
      [(r) => (r.models[0].imagenetTop1 = 101), 'models[0].imagenetTop1', /outside/],
      [(r) => (r.datasets[0].classNames[1] = 7 as unknown as string), 'datasets[0].classNames[1]', /string/],
      [(r) => (r.datasets[1].counts.test = -1), 'datasets[1].counts.test', /outside/],
      [(r) => (r.createdAt = 'yesterday'), 'createdAt', /not an ISO 8601 date/],
      [(r) => (r.backend = ''), 'backend', /must not be empty/],
      [
        (r) => r.scores.push({ ...r.scores[0] }),
        'scores[6]',
        /a second mean-per-class score for sup \/ flowers/,
      ],
      [(r) => (r.protocol.fewshot!.shots = [5, 0]), 'protocol.fewshot.shots[1]', /outside/],
    ];
    for (const [mutate, field, message] of cases) {
      const r = smallRecord();
      mutate(r);
      expectRecordError(r, field, message);
    }
  });

  it('calibration details for unknown models or with out-of-range bins', () => {
    const bins = [{ confidence: 0.5, accuracy: 1.5, count: 3 }];
    const detail = { before: bins, after: [], eceBefore: 0.1, eceAfter: 0.05, temperature: 2 };
    const r = json(smallRecord());
    r.details = { calibration: { sup: { pets: detail } } };
    expectRecordError(r, 'details.calibration.sup.pets.before[0].accuracy', /1.5 is outside/);
    // JSON.parse makes "__proto__" an own key; it must be refused, never assigned as a prototype.
    const hostile = JSON.parse(`{"calibration":{"__proto__":{"pets":${JSON.stringify(detail)}}}}`);
    expectRecordError(
      { ...r, details: hostile },
      'details.calibration',
      /'__proto__' is not one of the record's models/,
    );
    expect(({} as Record<string, unknown>).pets).toBeUndefined();
  });
});
