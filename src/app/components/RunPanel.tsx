import { useEffect, useRef } from 'react';
import { PROBES } from '../../core/probes/registry.ts';
import { useLab } from '../store/react.ts';
import { runBlocker } from '../store/run.ts';
import { CacheControl } from './CacheControl.tsx';
import { SettingsPanel } from './SettingsPanel.tsx';

/** Run / Cancel, the probes to run, and the progress of feature extraction. */
export function RunPanel() {
  const run = useLab((s) => s.run);
  const probes = useLab((s) => s.probes);
  const toggleProbe = useLab((s) => s.toggleProbe);
  const startRun = useLab((s) => s.startRun);
  const cancelRun = useLab((s) => s.cancelRun);
  const blocker = useLab(runBlocker);
  const active = run.status === 'running' || run.status === 'cancelling';
  const runButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  // Run disables itself when pressed, which would drop keyboard focus on the page body: hand it to Cancel.
  useEffect(() => {
    const focused = document.activeElement;
    if (run.status === 'running' && (focused === runButton.current || focused === document.body)) {
      cancelButton.current?.focus();
    }
  }, [run.status]);
  return (
    <section className="run-panel" aria-label="Run">
      <fieldset disabled={active}>
        <legend>Probes</legend>
        {PROBES.map((p) => (
          <label key={p.kind}>
            <input type="checkbox" checked={probes.includes(p.kind)} onChange={() => toggleProbe(p.kind)} />{' '}
            {p.description}
          </label>
        ))}
      </fieldset>
      <SettingsPanel />
      <div className="buttons">
        <button
          ref={runButton}
          type="button"
          data-testid="run"
          onClick={() => void startRun()}
          disabled={blocker !== null}
        >
          Run
        </button>
        <button
          ref={cancelButton}
          type="button"
          data-testid="cancel"
          onClick={() => void cancelRun()}
          disabled={run.status !== 'running'}
        >
          Cancel
        </button>
        {blocker && !active ? <span className="muted"> {blocker}</span> : null}
      </div>
      {run.notes.map((note) => (
        <p key={note} className="note">
          {note}
        </p>
      ))}
      {run.issues.length > 0 ? (
        <details data-testid="run-issues">
          <summary>{run.issues.length} images could not be used in this run</summary>
          <ul>
            {run.issues.map((i) => (
              <li key={`${i.key}:${i.reason}`}>
                <code>{i.key}</code> — {i.action}: {i.reason}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <CacheControl />
    </section>
  );
}
