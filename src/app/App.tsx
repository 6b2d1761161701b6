import { BackendBadge } from './components/BackendBadge.tsx';
import { DatasetSummary } from './components/DatasetSummary.tsx';
import { DemoPicker } from './components/DemoPicker.tsx';
import { DropZone } from './components/DropZone.tsx';
import { ErrorBanner } from './components/ErrorBanner.tsx';
import { ModelPicker } from './components/ModelPicker.tsx';
import { ResultsView } from './components/ResultsView.tsx';
import { RunPanel } from './components/RunPanel.tsx';
import { RunProgress } from './components/RunProgress.tsx';
import { useLab } from './store/react.ts';

/**
 * Layout only: every behaviour lives in the store and the components. On a laptop the set-up is a rail
 * beside the results, each scrolling on its own, with the Run panel pinned to the rail's foot so Run is
 * always on screen, and the run's progress heads the results it fills; on a phone the columns stack and
 * Run sits in a bar at the foot of the screen. A shared link puts its results first: nothing runs there.
 */
export function App() {
  const shared = useLab((s) => s.viewingShared);
  return (
    <div className={`lab${shared ? ' shared' : ''}`}>
      <header className="top">
        <div>
          <h1>Transfer Lab</h1>
          <p className="muted tagline">
            How well does each pretrained image backbone transfer to your data? Everything runs in this tab.
          </p>
        </div>
        <BackendBadge />
      </header>
      <ErrorBanner />
      <div className="columns">
        <aside className="setup" aria-label="Set-up">
          <div className="setup-scroll">
            <section aria-labelledby="data-heading">
              <h2 id="data-heading">1. Data</h2>
              <DropZone />
              <DemoPicker />
              <DatasetSummary />
            </section>
            <section aria-labelledby="models-heading">
              <h2 id="models-heading">2. Models</h2>
              <ModelPicker />
            </section>
          </div>
          <section className="run-dock" aria-labelledby="run-heading">
            <h2 id="run-heading">3. Run</h2>
            <RunPanel />
          </section>
        </aside>
        <main className="results-column">
          <RunProgress />
          <ResultsView />
        </main>
      </div>
    </div>
  );
}
