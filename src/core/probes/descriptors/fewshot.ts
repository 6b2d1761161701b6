// The few-shot probe (protocol.md): prototypical nearest centroid over seeded N-way k-shot episodes.

import { classSizes, fewShotFeasibility, nameList, nonFiniteProblem } from '../preconditions.ts';
import { type EvalSettings, positiveInteger, positiveIntegerList } from '../settings.ts';
import type { ProbeDescriptor, ProbeFacts } from '../types.ts';

/** The one place few-shot score names are made ('fewshot-5way-20shot') and read back. */
export function fewShotScoreName(ways: number, shots: number): string {
  return `fewshot-${ways}way-${shots}shot`;
}

const SCORE_NAME = /^fewshot-(\d+)way-(\d+)shot$/;

export function parseFewShotScoreName(name: string): { ways: number; shots: number } | null {
  const m = SCORE_NAME.exec(name);
  return m ? { ways: Number(m[1]), shots: Number(m[2]) } : null;
}

/**
 * The run's settings with few-shot ways capped by the classes there are (never below 2: with one class
 * nothing is feasible and the request stands, to be reported "not computed"). Applied once by the pipeline,
 * so the CLI and the browser run (and record) the same episodes whatever the UI proposed.
 */
export function withWaysForClasses(s: EvalSettings, classes: number): EvalSettings {
  if (classes < 2 || s.fewshot.ways <= classes) return s;
  return { ...s, fewshot: { ...s.fewshot, ways: classes } };
}

export const fewShotProbeDescriptor: ProbeDescriptor = {
  kind: 'fewshot',
  label: 'few-shot',
  description: 'Few-shot (nearest prototype on frozen features, 5-way, 5 and 20 shots)',
  needs: ['pooled-features'],
  featureRule: 'fewshot',
  defaults: { fewshot: { ways: 5, shots: [5, 20], queries: 15, episodes: 600 } },
  validate: (s) => {
    const f = s.fewshot;
    const problems: string[] = [];
    if (!(Number.isInteger(f.ways) && f.ways >= 2)) problems.push('few-shot ways must be an integer ≥ 2');
    if (f.shots.length === 0 || f.shots.some((k) => !(Number.isInteger(k) && k >= 1)))
      problems.push('few-shot shots must be positive integers');
    if (!(Number.isInteger(f.queries) && f.queries >= 1)) problems.push('few-shot queries must be ≥ 1');
    if (!(Number.isInteger(f.episodes) && f.episodes >= 1)) problems.push('few-shot episodes must be ≥ 1');
    return problems;
  },
  flags: [
    {
      name: 'shots',
      help: 'few-shot k values (default 5,20)',
      apply: (s, v) => withFewShot(s, { shots: positiveIntegerList(v, '--shots') }),
    },
    {
      name: 'ways',
      help: 'few-shot classes per episode (default 5)',
      apply: (s, v) => withFewShot(s, { ways: positiveInteger(v, '--ways') }),
    },
    {
      name: 'queries',
      help: 'query images per class (default 15)',
      apply: (s, v) => withFewShot(s, { queries: positiveInteger(v, '--queries') }),
    },
    {
      name: 'episodes',
      help: 'few-shot episodes (default 600)',
      apply: (s, v) => withFewShot(s, { episodes: positiveInteger(v, '--episodes') }),
    },
  ],
  metrics: ['top1'],
  scoreLabel: (name) => {
    const parsed = parseFewShotScoreName(name);
    return parsed ? `${parsed.ways}-way ${parsed.shots}-shot` : null;
  },
  scoreNote: ({ extra }) => {
    const used = extra?.classes;
    const total = extra?.classesTotal;
    return used !== undefined && total !== undefined && used < total ? `${used} of ${total} classes` : null;
  },
  scoreNames: (s) => s.fewshot.shots.map((k) => fewShotScoreName(s.fewshot.ways, k)),
  preconditions: (facts: ProbeFacts, s: EvalSettings) => {
    const finite = facts.multiLabel
      ? 'this probe is single-label and the dataset is multi-label (labels.csv)'
      : nonFiniteProblem(facts);
    const names = fewShotProbeDescriptor.scoreNames(s);
    if (finite) return { runs: false, notComputed: names.map((probe) => ({ probe, reason: finite })) };
    const sizes = classSizes(facts.pool, facts.classNames.length);
    const notComputed = fewShotFeasibility(sizes, s.fewshot).flatMap((f) =>
      f.problem === null
        ? []
        : [
            {
              probe: fewShotScoreName(s.fewshot.ways, f.shots),
              reason: withDropped(f.problem, f.dropped, facts),
            },
          ],
    );
    return { runs: notComputed.length < names.length, notComputed };
  },
};

function withDropped(problem: string, dropped: number[], facts: ProbeFacts): string {
  if (dropped.length === 0) return problem;
  return `${problem} (too few images: ${nameList(dropped.map((c) => facts.classNames[c] ?? String(c)))})`;
}

function withFewShot(s: EvalSettings, patch: Partial<EvalSettings['fewshot']>): EvalSettings {
  return { ...s, fewshot: { ...s.fewshot, ...patch } };
}
