import type { BackendName } from '../../core/types.ts';
import type { BackendPref } from '../store/backend.ts';
import { useLab } from '../store/react.ts';

const ALL: BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

function backendLabel(name: string, threads: number): string {
  return name === 'wasm' ? `wasm · ${threads} thread${threads === 1 ? '' : 's'}` : name;
}

/** Shows the active tfjs backend and why it was chosen, and lets the user override the choice. */
export function BackendBadge() {
  const backend = useLab((s) => s.backend);
  const pref = useLab((s) => s.backendPref);
  const busy = useLab((s) => s.backendBusy);
  const running = useLab((s) => s.run.status === 'running' || s.run.status === 'cancelling');
  const choose = useLab((s) => s.chooseBackend);
  const available = backend?.available ?? [];
  return (
    <div className="backend">
      <span
        data-testid="backend"
        data-backend={backend?.name ?? ''}
        data-threads={backend?.threads ?? 0}
        title={backend?.reason ?? ''}
      >
        {backend ? backendLabel(backend.name, backend.threads) : busy ? 'starting…' : 'no backend'}
      </span>
      {backend?.adapter ? <span className="muted"> ({backend.adapter})</span> : null}
      <label>
        {' '}
        Backend{' '}
        <select
          value={pref}
          disabled={busy || running}
          onChange={(e) => void choose(e.target.value as BackendPref)}
          data-testid="backend-select"
        >
          <option value="auto">auto (fastest here)</option>
          {ALL.map((name) => (
            <option key={name} value={name} disabled={backend !== null && !available.includes(name)}>
              {name}
            </option>
          ))}
        </select>
      </label>
      {backend?.reason ? <p className="muted small">{backend.reason}</p> : null}
    </div>
  );
}
