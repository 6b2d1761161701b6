import { useLab } from '../store/react.ts';

/** The demo datasets shipped with the site, for trying the lab without data of one's own. */
export function DemoPicker() {
  const demos = useLab((s) => s.demos);
  const current = useLab((s) => s.dataset?.name ?? '');
  const loadDemo = useLab((s) => s.loadDemo);
  if (demos.length === 0) return null;
  return (
    <label className="demo-picker">
      Or a demo dataset{' '}
      <select
        data-testid="demo-select"
        value={demos.some((d) => d.name === current) ? current : ''}
        onChange={(e) => e.target.value && void loadDemo(e.target.value)}
      >
        <option value="">—</option>
        {demos.map((d) => (
          <option key={d.name} value={d.name} title={`${d.description} (${d.licence})`}>
            {d.name}
          </option>
        ))}
      </select>
    </label>
  );
}
