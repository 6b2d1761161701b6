import { useMemo, useState } from 'react';
import { FEW_MODELS } from '../../core/correlation/interval.ts';
import { type CorrelationSeries, correlationView } from '../../core/correlation/view.ts';
import { probeName } from '../../core/record/table.ts';
import type { RecordModel, ResultRecord } from '../../core/record/types.ts';
import { recordColours } from '../charts/model-colours.ts';
import { correlationChart } from '../charts/specs-correlation.ts';
import { meanOfDatasets, pearsonText } from '../correlation-text.ts';
import { useLab } from '../store/react.ts';
import { catalogTop1Map, knownTop1, type Top1Source } from '../top1-defaults.ts';
import { ChartHost } from './ChartHost.tsx';
import { PaperBeside } from './PaperBeside.tsx';
import { TableScroll } from './TableScroll.tsx';

const fixed2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

function modelsOf(records: readonly ResultRecord[]): RecordModel[] {
  const byId = new Map<string, RecordModel>();
  for (const r of records) for (const m of r.models) if (!byId.has(m.id)) byId.set(m.id, m);
  return [...byId.values()];
}

const SOURCE_TEXT: Record<Top1Source, string> = {
  typed: 'typed here',
  card: "from the model's card",
  catalog: 'from the catalog',
  unknown: 'unknown: type it if you know it',
};

/** One input per model, filled from the card or catalog where known; what the user types wins. */
function Top1Inputs({ models }: { models: RecordModel[] }) {
  const overrides = useLab((s) => s.top1Overrides);
  const upstream = useLab((s) => s.upstream);
  const setTop1 = useLab((s) => s.setTop1);
  return (
    <fieldset className="top1-inputs">
      <legend>ImageNet top-1 (%) per model</legend>
      {models.map((m) => {
        const known = knownTop1(m, upstream, overrides[m.id]);
        return (
          <label key={m.id} className="top1-input">
            <span className="top1-name">{m.name}</span>
            <input
              type="number"
              min={0}
              max={100}
              step={0.1}
              data-testid={`top1-${m.id}`}
              data-source={known.source}
              value={known.value ?? ''}
              onChange={(e) => setTop1(m.id, e.target.value === '' ? null : Number(e.target.value))}
            />
            <span className="muted small">{SOURCE_TEXT[known.source]}</span>
          </label>
        );
      })}
    </fieldset>
  );
}

function CorrelationTable({ series }: { series: CorrelationSeries[] }) {
  return (
    <TableScroll label="Correlation table">
      <table data-testid="correlation-table">
        <caption className="muted small">
          Pearson r with its 95% interval (Fisher z); Spearman ρ on the same points.
        </caption>
        <thead>
          <tr>
            <th scope="col">setting</th>
            <th scope="col">dataset</th>
            <th scope="col">models</th>
            <th scope="col">Pearson r [95% interval]</th>
            <th scope="col">Spearman ρ</th>
          </tr>
        </thead>
        <tbody>
          {series.map((s) => (
            <tr key={s.key}>
              <td>{probeName(s.setting)}</td>
              <td>{s.dataset ?? meanOfDatasets(s.datasets.length)}</td>
              <td className="num">{s.points.length}</td>
              <td className="num">{pearsonText(s.pearson, s.points.length)}</td>
              <td className="num">{fixed2(s.spearman)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** ImageNet top-1 against transfer, Pearson r (with interval) and Spearman ρ, fitted lines, paper overlay. */
export function CorrelationView({ records }: { records: ResultRecord[] }) {
  const overrides = useLab((s) => s.top1Overrides);
  const upstream = useLab((s) => s.upstream);
  const models = useMemo(() => modelsOf(records), [records]);
  const top1 = useMemo(
    () => ({ ...catalogTop1Map(models, upstream), ...overrides }),
    [models, upstream, overrides],
  );
  const view = useMemo(() => correlationView(records, top1), [records, top1]);
  const [kind, setKind] = useState<'setting' | 'dataset'>('setting');
  const [overlayPaper, setOverlayPaper] = useState(true);
  const colours = useMemo(() => recordColours(records), [records]);
  const spec = useMemo(
    () => correlationChart(view, { kind, overlayPaper, colours }),
    [view, kind, overlayPaper, colours],
  );
  const series = kind === 'setting' ? view.perSetting : view.perDataset;
  if (models.length === 0) return null;
  const nameOf = (id: string) => models.find((m) => m.id === id)?.name ?? id;
  const fewest = series.length ? Math.min(...series.map((s) => s.points.length)) : 0;
  return (
    <section aria-labelledby="correlation-heading" data-testid="correlation-view">
      <h3 id="correlation-heading">ImageNet accuracy against transfer</h3>
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
        <p className="note" data-testid="top1-missing">
          Left out until their ImageNet top-1 is typed in: {view.missingTop1.map(nameOf).join(', ')}
        </p>
      ) : null}
      {series.length && fewest < FEW_MODELS ? (
        <p className="note" data-testid="few-models">
          Caution: {fewest === 1 ? 'one model' : `only ${fewest} models`} behind{' '}
          {series.length === 1 ? 'this correlation' : 'some of these correlations'}. Below {FEW_MODELS} models
          r can land anywhere by chance (the paper used 14); read the interval, not the value.
        </p>
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
          <CorrelationTable series={series} />
        </>
      ) : (
        <p className="muted">No model has both a transfer score and an ImageNet top-1 yet.</p>
      )}
      <PaperBeside records={records} />
    </section>
  );
}
