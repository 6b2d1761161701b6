import { deflateSync, inflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from './base64url.ts';
import { paperScaleRecord, seededRandom, smallRecord } from './fixtures.ts';
import { decodePermalink, encodePermalink, looksLikePermalink, PermalinkError } from './permalink.ts';
import type { ResultRecord } from './types.ts';
import { RecordError } from './validate.ts';

/** Builds a payload from arbitrary JSON text, as a crafted or damaged link would carry. */
function payloadOf(json: string, prefix = 'r2.'): string {
  return prefix + toBase64Url(deflateSync(new TextEncoder().encode(json)));
}

function expectPermalinkError(payload: string, message: RegExp): void {
  let thrown: unknown;
  try {
    decodePermalink(payload);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(PermalinkError);
  expect((thrown as Error).message).toMatch(message);
}

function expectSameNumbers(a: ResultRecord, b: ResultRecord): void {
  expect(b.scores).toHaveLength(a.scores.length);
  a.scores.forEach((s, i) => {
    const t = b.scores[i];
    expect([t.model, t.dataset, t.probe, t.metric]).toEqual([s.model, s.dataset, s.probe, s.metric]);
    expect(Math.abs(t.value - s.value)).toBeLessThanOrEqual(0.5e-4 + 1e-12);
    if (s.ci95 === undefined) expect(t.ci95).toBeUndefined();
    else expect(Math.abs(t.ci95! - s.ci95)).toBeLessThanOrEqual(0.5e-4 + 1e-12);
    expect(t.extra).toEqual(s.extra);
  });
}

describe('permalink round trip', () => {
  it('keeps a paper-scale record (14 models × 11 datasets × 3 probes) under 8,000 characters', () => {
    const record = paperScaleRecord();
    expect(record.scores).toHaveLength(14 * 11 * 3);
    const fragment = `#${encodePermalink(record)}`;
    console.info(`paper-scale permalink fragment: ${fragment.length} characters`);
    expect(fragment.length).toBeLessThan(8000);
    expect(fragment.startsWith('#r2.')).toBe(true);

    const back = decodePermalink(fragment);
    expectSameNumbers(record, back);
    expect(back.models).toEqual(record.models);
    expect(back.protocol).toEqual(record.protocol);
    expect([back.createdAt, back.backend, back.labVersion, back.seed]).toEqual([
      '2026-11-26T07:50:00.000Z',
      'webgpu',
      '0.1.0',
      0,
    ]);
    // Over budget, class names give way to their count; everything else the views need stays.
    expect(back.datasets.map((d) => [d.name, d.classNames.length, d.classCount, d.multiLabel])).toEqual(
      record.datasets.map((d) => [d.name, 0, d.classNames.length, d.multiLabel]),
    );
  });

  it('keeps class names of a small record and drops details', () => {
    const record: ResultRecord = { ...smallRecord(), details: { perImage: [1, 2, 3] } };
    const back = decodePermalink(encodePermalink(record));
    const { details: _dropped, ...rest } = record;
    expect(back).toEqual(rest);
  });

  it('refuses to make a link from an invalid record, and tells result links from other fragments', () => {
    const record = smallRecord();
    record.scores[0].model = 'nobody';
    expect(() => encodePermalink(record)).toThrow(RecordError);
    expect(looksLikePermalink(`#${encodePermalink(smallRecord())}`)).toBe(true);
    expect(looksLikePermalink('#results')).toBe(false);
  });

  it('carries "not computed" results and the kNN protocol, and names metrics on the wire (r2)', () => {
    const record: ResultRecord = {
      ...smallRecord(),
      protocol: { ...smallRecord().protocol, knn: { k: [10, 20, 100, 200], temperature: 0.07 } },
      notComputed: [
        {
          model: 'sup',
          dataset: 'pets',
          probe: 'knn',
          reason: 'the test split is empty (no usable test images)',
        },
      ],
    };
    const link = encodePermalink(record);
    expect(decodePermalink(link)).toEqual(record);
    const wire = JSON.parse(new TextDecoder().decode(inflateSync(fromBase64Url(link.slice(3))!)));
    const metrics = wire[10] as string[];
    expect(metrics).toEqual([...new Set(record.scores.map((s) => s.metric))]);
    // Each score's metric column points into that list of names, not into any global order.
    expect(wire[9][3].map((i: number) => metrics[i])).toEqual(record.scores.map((s) => s.metric));
  });

  it('quantises values to 1e-4', () => {
    const record = smallRecord();
    record.scores[0].value = 0.123456;
    record.scores[0].ci95 = 0.000049;
    const back = decodePermalink(encodePermalink(record));
    expect(back.scores[0].value).toBe(0.1235);
    expect(back.scores[0].ci95).toBe(0);
  });
});

describe('permalink errors', () => {
  const valid = encodePermalink(smallRecord());

  it('explains a foreign fragment, bad base64 and an unknown or newer format', () => {
    expectPermalinkError('#section-2', /does not contain a Transfer Lab result/);
    expectPermalinkError('', /does not contain a Transfer Lab result/);
    expectPermalinkError(`r2.${valid.slice(3, 20)}!${valid.slice(20)}`, /characters a result never has/);
    expectPermalinkError(`r3.${valid.slice(3)}`, /newer version of Transfer Lab \(format 3\)/);
    expectPermalinkError(`r0.${valid.slice(3)}`, /unknown result format/);
    expectPermalinkError(`r2.${'A'.repeat(100_001)}`, /too long/);
  });

  it('explains corrupt and truncated deflate data', () => {
    expectPermalinkError(
      `r2.${toBase64Url(new Uint8Array([255, 255, 255, 255, 1, 2, 3]))}`,
      /cannot be unpacked|ends too early/,
    );
    expectPermalinkError(valid.slice(0, Math.floor(valid.length / 2)), /cannot be unpacked|ends too early/);
    expectPermalinkError('r2.', /ends too early/);
  });

  it('stops a decompression bomb before it fills memory', () => {
    const bomb = payloadOf(`[${'0,'.repeat(3 * 1024 * 1024)}0]`);
    expect(bomb.length).toBeLessThan(100_000);
    expectPermalinkError(bomb, /far more data than any result holds/);
  });

  it('names the field of a wrong JSON shape and of an invalid record', () => {
    expectPermalinkError(payloadOf('{"a":1}'), /damaged \(payload: expected an array, got an object\)/);
    expectPermalinkError(payloadOf('not json'), /not readable/);
    const good = JSON.parse(new TextDecoder().decode(decodeJson(valid)));
    good[9][0][2] = 5; // a score pointing at model #5 of 2
    expectPermalinkError(payloadOf(JSON.stringify(good)), /scores\[0\]\[2\]: 5 is outside \[0, 1\]/);
    const bad = JSON.parse(new TextDecoder().decode(decodeJson(valid)));
    bad[9][4][0] = 12_000; // accuracy 1.2
    expectPermalinkError(payloadOf(JSON.stringify(bad)), /scores\[0\]\.value: 1\.2 is outside \[0, 1\]/);
  });

  it('fuzz: random mutations of a valid payload only ever throw PermalinkError', () => {
    const random = seededRandom(42);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.#!r';
    const pick = (n: number) => Math.floor(random() * n);
    const json = new TextDecoder().decode(decodeJson(valid));
    const outcomes = { opened: 0, refused: 0 };
    for (let trial = 0; trial < 3000; trial++) {
      const payload =
        trial % 2 === 0
          ? mutateText(valid, pick, alphabet)
          : payloadOf(mutateText(json, pick, '0123456789[]{},":-.etrufalsn'));
      try {
        decodePermalink(payload);
        outcomes.opened++;
      } catch (e) {
        if (!(e instanceof PermalinkError))
          throw new Error(`non-PermalinkError for ${payload}: ${String(e)}`);
        outcomes.refused++;
      }
    }
    console.info(`fuzz outcomes: ${JSON.stringify(outcomes)}`);
    expect(outcomes.refused).toBeGreaterThan(1000);
  });
});

function decodeJson(payload: string): Uint8Array {
  return inflateSync(fromBase64Url(payload.slice(3))!);
}

/** One to three random edits: replace, insert, delete or truncate. */
function mutateText(text: string, pick: (n: number) => number, alphabet: string): string {
  let out = text;
  const edits = 1 + pick(3);
  for (let e = 0; e < edits; e++) {
    const at = pick(out.length + 1);
    const ch = alphabet[pick(alphabet.length)];
    const kind = pick(4);
    if (kind === 0) out = out.slice(0, at) + ch + out.slice(at + 1);
    else if (kind === 1) out = out.slice(0, at) + ch + out.slice(at);
    else if (kind === 2) out = out.slice(0, at) + out.slice(at + 1);
    else out = out.slice(0, Math.max(at, out.length - 3));
  }
  return out;
}

describe('base64url', () => {
  it('matches Node’s encoder for every length and round-trips', () => {
    const random = seededRandom(7);
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
      const text = toBase64Url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64Url(text)).toEqual(bytes);
    }
    expect(fromBase64Url('abcde')).toBeNull();
    expect(fromBase64Url('ab+/')).toBeNull();
    expect(fromBase64Url('ab==')).toBeNull();
  });
});
