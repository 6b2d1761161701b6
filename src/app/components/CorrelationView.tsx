import { useMemo, useState } from 'react';
import { correlationView } from '../../core/correlation/view.ts';
import { probeName } from '../../core/record/table.ts';
import type { RecordModel, ResultRecord } from '../../core/record/types.ts';
import { correlationChart } from '../charts/specs-correlation.ts';
import { useLab } from '../store/react.ts';
import { ChartHost } from './ChartHost.tsx';
import { PaperBeside } from './PaperBeside.tsx';

const fixed2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

function modelsOf(records: readonly ResultRecord[]): RecordModel[] {
  const byId = new Map<string, RecordModel>();
  for (const r of records) for (const m of r.models) if (!byId.has(m.id)) byId.set(m.id, m);
  return [...byId.values()];
}

/** One input per model: the card's ImageNet top-1, or the value the user types when the card has none. */
function Top1Inputs({ models }: { models: RecordModel[] }) {
  const overrides = useLab((s) => s.top1Overrides);
  const setTop1 = useLab((s) => s.setTop1);
  return (
    <fieldset className="top1-inputs">
      <legend>ImageNet top-1 (%) per model</legend>
      {models.map((m) => (
        <label key={m.id}>
          {m.name}{' '}
          <input
            type="number"
            min={0}
            max={100}
            step={0.1}
            data-testid={`top1-${m.id}`}
            placeholder={m.imagenetTop1 === null ? 'unknown: type it' : String(m.imagenetTop1)}
            value={overrides[m.id] ?? m.imagenetTop1 ?? ''}
            onChange={(e) => setTop1(m.id, e.target.value === '' ? null : Number(e.target.value))}
          />
        </label>
      ))}
    </fieldset>
  );
}

/** ImageNet top-1 against transfer, Pearson r and Spearman ρ on logits, fitted lines, optional paper overlay. */
export function CorrelationView({ records }: { records: ResultRecord[] }) {
  const overrides = useLab((s) => s.top1Overrides);
  const models = useMemo(() => modelsOf(records), [records]);
  const view = useMemo(() => correlationView(records, overrides), [records, overrides]);
  const [kind, setKind] = useState<'setting' | 'dataset'>('setting');
  const [overlayPaper, setOverlayPaper] = useState(true);
  const spec = useMemo(() => correlationChart(view, { kind, overlayPaper }), [view, kind, overlayPaper]);
  const series = kind === 'setting' ? view.perSetting : view.perDataset;
  if (models.length === 0) return null;
  return (
    <section aria-label="Correlation with ImageNet" data-testid="correlation-view">
      <h3>ImageNet accuracy against transfer</h3>
      <Top1Inputs models={models} />
      <div className="buttons">
        <label>
          Series{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value as 'setting' | 'dataset')}>
            <option value="setting">per setting (mean logit over datasets)</option>
            <option value="dataset">per dataset</option>
          </select>
        </label>{' '}
        <label>
          <input type="checkbox" checked={overlayPaper} onChange={(e) => setOverlayPaper(e.target.checked)} />{' '}
          Overlay the paper's 14 models
        </label>
      </div>
      {view.missingTop1.length ? (
        <p className="note">Left out until their ImageNet top-1 is typed in: {view.missingTop1.join(', ')}</p>
      ) : null}
      {view.warnings.map((w) => (
        <p key={w} className="note">
          {w}
        </p>
      ))}
      {series.length ? (
        <>
          <ChartHost
            spec={spec}
            title="ImageNet top-1 against transfer score (logit axes)"
            testId="chart-correlation"
          />
          <table data-testid="correlation-table">
            <thead>
              <tr>
                <th scope="col">setting</th>
                <th scope="col">dataset</th>
                <th scope="col">models</th>
                <th scope="col">Pearson r</th>
                <th scope="col">Spearman ρ</th>
              </tr>
            </thead>
            <tbody>
              {series.map((s) => (
                <tr key={s.key}>
                  <td>{probeName(s.setting)}</td>
                  <td>{s.dataset ?? `mean of ${s.datasets.length}`}</td>
                  <td>{s.points.length}</td>
                  <td>{fixed2(s.pearson)}</td>
                  <td>{fixed2(s.spearman)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p className="muted">No model has both a transfer score and an ImageNet top-1 yet.</p>
      )}
      <PaperBeside records={records} />
    </section>
  );
}
