import { describe, expect, it } from 'vitest';
import { twoModelRecord } from '../../app/test/records.ts';
import { createRng } from '../rng.ts';
import { paperScaleRecord, smallRecord } from './fixtures.ts';
import { decodePermalink, encodePermalink, PermalinkError } from './permalink.ts';
import { asShared, decodePermalinkSet, encodePermalinkSet } from './permalink-set.ts';
import { formatScore } from './table.ts';
import { RESULT_SCHEMA_VERSION } from './types.ts';

describe('links with several runs', () => {
  const a = twoModelRecord('2026-11-26T08:00:00.000Z');
  const b = smallRecord();

  it('carry every run, in order, as the single-record link would carry each', () => {
    const payload = encodePermalinkSet([a, b]);
    expect(payload.startsWith(`rs${RESULT_SCHEMA_VERSION}.`)).toBe(true);
    expect(decodePermalinkSet(payload)).toEqual([
      decodePermalink(encodePermalink(a)),
      decodePermalink(encodePermalink(b)),
    ]);
  });

  it('one run gives the plain single-record link, and old single links still open', () => {
    const single = encodePermalinkSet([a]);
    expect(single).toBe(encodePermalink(a));
    expect(decodePermalinkSet(`#${single}`)).toEqual([decodePermalink(single)]);
  });

  it('refuses to make a link too long to open again, and says what to do', () => {
    const many = Array.from({ length: 64 }, (_, i) => {
      const r = paperScaleRecord();
      r.createdAt = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
      const rng = createRng(i);
      for (const score of r.scores) score.value = rng.nextFloat(); // distinct runs: deflate cannot fold them
      return r;
    });
    expect(() => encodePermalinkSet(many)).toThrow(/too large for one link .* share fewer runs/);
  });

  it('refuses damaged several-run links with a PermalinkError', () => {
    const payload = encodePermalinkSet([a, b]);
    expect(() => decodePermalinkSet(payload.slice(0, payload.length - 8))).toThrow(PermalinkError);
    expect(() => decodePermalinkSet('rs1.!!!')).toThrow(PermalinkError);
    expect(() => decodePermalinkSet('rs99.AAAA')).toThrow(PermalinkError);
  });
});

describe('asShared: what the page shows is what a link shows', () => {
  it('a value whose last digit the link would change prints the same before and after sharing', () => {
    // 0.092496 printed as is gives 9.2; on the link's 1e-4 grid it is 0.0925, which prints 9.3: the
    // page therefore shows every record on that grid, so both print 9.3.
    const record = twoModelRecord();
    record.scores[0] = { ...record.scores[0], value: 0.092496 };
    const onScreen = formatScore(asShared(record).scores[0]);
    const shared = formatScore(decodePermalinkSet(encodePermalinkSet([record]))[0].scores[0]);
    expect(onScreen).toBe(shared);
    expect(shared).toBe('9.3');
    expect(formatScore(record.scores[0])).not.toBe(shared); // the bug it prevents
  });

  it('keeps details (views the link drops still show on the original page) and is idempotent', () => {
    const record = {
      ...smallRecord(),
      details: {
        confusion: {
          sup: {
            pets: [
              [1, 0],
              [0, 1],
            ],
          },
        },
      },
    };
    const shown = asShared(record);
    expect(shown.details).toEqual(record.details);
    expect(asShared(shown)).toEqual(shown);
  });
});
