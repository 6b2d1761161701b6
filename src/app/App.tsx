import { BackendBadge } from './components/BackendBadge.tsx';
import { DatasetSummary } from './components/DatasetSummary.tsx';
import { DemoPicker } from './components/DemoPicker.tsx';
import { DropZone } from './components/DropZone.tsx';
import { ErrorBanner } from './components/ErrorBanner.tsx';
import { ModelPicker } from './components/ModelPicker.tsx';
import { ResultsView } from './components/ResultsView.tsx';
import { RunPanel } from './components/RunPanel.tsx';

/** Layout only: every behaviour lives in the store and the components. */
export function App() {
  return (
    <>
      <header>
        <h1>Transfer Lab</h1>
        <p className="muted">
          How well does each pretrained image backbone transfer to your data? Everything runs in this tab.
        </p>
        <BackendBadge />
      </header>
      <ErrorBanner />
      <main>
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
        <section aria-labelledby="run-heading">
          <h2 id="run-heading">3. Run</h2>
          <RunPanel />
        </section>
        <ResultsView />
      </main>
    </>
  );
}
