import { useLab } from '../store/react.ts';
import { CheckpointDrop } from './CheckpointDrop.tsx';

/** Checkboxes for the embedded zoo (and models converted this session); real labels, keyboard-usable. */
export function ModelPicker() {
  const models = useLab((s) => s.models);
  const upstream = useLab((s) => s.upstream);
  const selected = useLab((s) => s.selectedModels);
  const status = useLab((s) => s.modelsStatus);
  const toggle = useLab((s) => s.toggleModel);
  const running = useLab((s) => s.run.status === 'running');
  return (
    <fieldset className="model-picker" data-testid="model-picker" disabled={running}>
      <legend>Models</legend>
      {status === 'loading' ? <p className="muted">Loading the catalog…</p> : null}
      {status === 'ready' && models.length === 0 ? (
        <p className="muted">The catalog lists no embedded models yet.</p>
      ) : null}
      {models.map(({ card, origin }) => (
        <label key={card.id} className="model">
          <input
            type="checkbox"
            checked={selected.includes(card.id)}
            onChange={() => toggle(card.id)}
            value={card.id}
          />{' '}
          <strong>{card.name}</strong>{' '}
          <span className="muted">
            ({card.family}, {card.architecture}, {card.featureSize}-d)
          </span>
          {origin === 'dropped' ? <span className="tag"> converted here</span> : null}
          {card.description ? <span className="muted small"> — {card.description}</span> : null}
        </label>
      ))}
      <CheckpointDrop />
      {upstream.length > 0 ? (
        <details>
          <summary>{upstream.length} upstream models (the paper's ResNet-50s, modern ViTs)</summary>
          <p className="muted small">
            Their weights are not shipped. Convert a checkpoint with <code>npx tlab convert</code> or{' '}
            <code>npx tlab models fetch</code>, then serve it under <code>models/</code>.
          </p>
          <ul>
            {upstream.map((m) => (
              <li key={m.id}>
                {m.name} <span className="muted">({m.family})</span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </fieldset>
  );
}
