// The linear probe (protocol.md): L2-regularised multinomial logistic regression, C swept on validation;
// also reports calibration (ECE before and after temperature scaling) of the chosen classifier.

import { multiLabelProblem, trainTestProblem } from '../preconditions.ts';
import { type EvalSettings, SettingsError } from '../settings.ts';
import type { PreconditionVerdict, ProbeDescriptor, ProbeFacts } from '../types.ts';

const SCORE_LABELS: Record<string, string> = {
  linear: 'linear',
  ece: 'calibration (ECE)',
  'ece-scaled': 'ECE after temperature scaling',
};

export const linearProbeDescriptor: ProbeDescriptor = {
  kind: 'linear',
  label: 'linear',
  description: 'Linear probe (multinomial logistic regression, C swept on validation)',
  needs: ['pooled-features'],
  featureRule: 'linear',
  defaults: { linearMode: 'paper', metric: 'top1' },
  validate: (s) => {
    const problems: string[] = [];
    if (s.linearMode !== 'paper' && s.linearMode !== 'converged')
      problems.push('mode must be paper or converged');
    if (s.metric !== undefined && s.metric !== 'top1' && s.metric !== 'mean-per-class')
      problems.push('metric must be top1 or mean-per-class');
    return problems;
  },
  flags: [
    {
      name: 'mode',
      help: 'linear probe: paper (reference protocol, default) or converged',
      apply: (s, v) => {
        if (v !== 'paper' && v !== 'converged') throw new SettingsError('--mode must be paper or converged');
        return { ...s, linearMode: v };
      },
    },
    {
      name: 'metric',
      help: 'top1 (default) or mean-per-class',
      apply: (s, v) => {
        if (v !== 'top1' && v !== 'mean-per-class')
          throw new SettingsError('--metric must be top1 or mean-per-class');
        return { ...s, metric: v };
      },
    },
  ],
  metrics: ['top1', 'mean-per-class', 'map11', 'ece'],
  scoreLabel: (name) => SCORE_LABELS[name] ?? null,
  scoreNames: () => ['linear', 'ece', 'ece-scaled'],
  preconditions: (facts: ProbeFacts, settings: EvalSettings) =>
    facts.multiLabel ? multiLabelVerdict(facts) : trainTestVerdict(facts, settings, ['linear']),
};

/** All-or-nothing verdict of a probe that trains on train and scores test. */
export function trainTestVerdict(facts: ProbeFacts, _s: EvalSettings, names: string[]): PreconditionVerdict {
  const problem = trainTestProblem(facts);
  return problem === null
    ? { runs: true, notComputed: [] }
    : { runs: false, notComputed: names.map((probe) => ({ probe, reason: problem })) };
}

/** A multi-label set: one-vs-rest probes scored by 11-point mAP (no ECE: calibration is single-label). */
function multiLabelVerdict(facts: ProbeFacts): PreconditionVerdict {
  const problem = multiLabelProblem(facts);
  return problem === null
    ? { runs: true, notComputed: [] }
    : { runs: false, notComputed: [{ probe: 'linear', reason: problem }] };
}
