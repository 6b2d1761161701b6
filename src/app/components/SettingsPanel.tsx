import { useState } from 'react';
import { knnRequest, validateKnn } from '../../core/probes/descriptors/knn.ts';
import type { EvalSettings } from '../../core/probes/settings.ts';
import { useLab } from '../store/react.ts';

const EPISODES = [100, 600, 2000];

/** The protocol's knobs: linear-probe mode and metric, few-shot episodes, and the seed of every sampling. */
export function SettingsPanel() {
  const settings = useLab((s) => s.settings);
  const update = useLab((s) => s.updateSettings);
  const running = useLab((s) => s.run.status === 'running' || s.run.status === 'cancelling');
  return (
    <details className="settings">
      <summary>Protocol settings</summary>
      <fieldset disabled={running}>
        <label>
          Linear probe{' '}
          <select
            value={settings.linearMode}
            onChange={(e) => update({ linearMode: e.target.value as EvalSettings['linearMode'] })}
          >
            <option value="paper">as in the paper (100 warm-started iterations per C)</option>
            <option value="converged">fit each C to convergence</option>
          </select>
        </label>
        <label>
          Linear metric{' '}
          <select
            value={settings.metric ?? 'top1'}
            onChange={(e) => update({ metric: e.target.value as NonNullable<EvalSettings['metric']> })}
          >
            <option value="top1">top-1 accuracy</option>
            <option value="mean-per-class">mean per-class accuracy (imbalanced classes)</option>
          </select>
        </label>
        <label>
          Few-shot episodes{' '}
          <select
            value={settings.fewshot.episodes}
            onChange={(e) => update({ episodes: Number(e.target.value) })}
          >
            {EPISODES.map((n) => (
              <option key={n} value={n}>
                {n}
                {n === 600 ? ' (paper)' : ''}
              </option>
            ))}
          </select>
        </label>
        <KnnSettings />
        <label>
          Seed{' '}
          <input
            type="number"
            min={0}
            step={1}
            value={settings.seed}
            onChange={(e) => update({ seed: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
          />
        </label>
      </fieldset>
    </details>
  );
}

/** kNN neighbour counts and temperature; a value is applied only once it is valid (the reason shows until then). */
function KnnSettings() {
  const settings = useLab((s) => s.settings);
  const update = useLab((s) => s.updateSettings);
  const current = knnRequest(settings);
  const [kText, setKText] = useState(current.k.join(', '));
  const [tText, setTText] = useState(String(current.temperature));
  const candidate = {
    k: kText.split(',').map((v) => Number(v.trim())),
    temperature: Number(tText),
  };
  const problems = validateKnn(candidate);
  const apply = (k: string, t: string) => {
    const next = { k: k.split(',').map((v) => Number(v.trim())), temperature: Number(t) };
    if (validateKnn(next).length === 0) update({ knn: next });
  };
  return (
    <>
      <label>
        kNN k{' '}
        <input
          type="text"
          inputMode="numeric"
          value={kText}
          aria-invalid={problems.length > 0}
          onChange={(e) => {
            setKText(e.target.value);
            apply(e.target.value, tText);
          }}
        />
      </label>
      <label>
        kNN temperature{' '}
        <input
          type="number"
          min={0}
          step={0.01}
          value={tText}
          onChange={(e) => {
            setTText(e.target.value);
            apply(kText, e.target.value);
          }}
        />
      </label>
      {problems.length > 0 ? <p className="note">{problems.join('; ')}</p> : null}
    </>
  );
}
