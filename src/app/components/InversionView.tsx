import { useEffect, useRef, useState } from 'react';
import { formatDuration } from '../../core/progress.ts';
import type { RgbImage } from '../../core/types.ts';
import { type CostEstimate, inversionCost } from '../inversion-cost.ts';
import { progressFraction, progressLine } from '../progress-text.ts';
import { useLab } from '../store/react.ts';

/** Draws an RGB image on a canvas, scaled up with nearest-neighbour so small inputs stay visible. */
function RgbCanvas({ image, label, testId }: { image: RgbImage; label: string; testId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const rgba = new ImageData(image.width, image.height);
    for (let i = 0; i < image.width * image.height; i++) {
      rgba.data.set(image.data.subarray(i * 3, i * 3 + 3), i * 4);
      rgba.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(rgba, 0, 0);
  }, [image]);
  const scale = Math.max(1, Math.floor(224 / image.width));
  return (
    <figure className="inversion-image">
      <canvas
        ref={canvas}
        width={image.width}
        height={image.height}
        data-testid={testId}
        aria-label={label}
        style={{ width: image.width * scale, height: image.height * scale, imageRendering: 'pixelated' }}
      />
      <figcaption>{label}</figcaption>
    </figure>
  );
}

const STATUS_TEXT: Record<string, string> = {
  cancelling: 'Cancelling…',
  cancelled: 'Inversion cancelled.',
  failed: 'The inversion failed (see the message above).',
};

const BASIS_TEXT: Record<CostEstimate['basis'], string> = {
  'measured-here': 'at the speed of the last inversion of this model here',
  'reference-cpu': 'scaled from 0.26 s per step measured on a 2-core CPU with a 32-px model',
  unknown: '',
};

/** The cost of pressing Invert, said before it is pressed. */
function CostNotice({ estimate, steps }: { estimate: CostEstimate; steps: number }) {
  const stepsText = `${steps.toLocaleString('en')} step${steps === 1 ? '' : 's'}`;
  return (
    <p className="cost" data-testid="invert-cost">
      {estimate.seconds === null
        ? `${stepsText}: the time per step on this backend is not known yet; the progress line shows an ETA after the first steps, and Cancel stops it at any time.`
        : `${stepsText} will take about ${formatDuration(estimate.seconds)} (${BASIS_TEXT[estimate.basis]}). Cancel stops it at any time; fewer steps give a blurrier reconstruction.`}
    </p>
  );
}

/** Seconds per step of the inversion now running or last run, per model and backend, for the next estimate. */
function useMeasuredRates(): Record<string, number> {
  const inversion = useLab((s) => s.inversion);
  const backend = useLab((s) => s.backend?.name ?? '');
  const [rates, setRates] = useState<Record<string, number>>({});
  const rate = inversion.progress?.ratePerSecond ?? null;
  const key = `${inversion.modelId}|${backend}`;
  useEffect(() => {
    if (rate !== null && rate > 0) setRates((r) => (r[key] === 1 / rate ? r : { ...r, [key]: 1 / rate }));
  }, [rate, key]);
  return rates;
}

/** "Invert one image": reconstruct an image from a model's layer4 features (Deep Image Prior, Adam). */
export function InversionView() {
  const models = useLab((s) => s.models);
  const dataset = useLab((s) => s.dataset);
  const inversion = useLab((s) => s.inversion);
  const invertImage = useLab((s) => s.invertImage);
  const cancelInversion = useLab((s) => s.cancelInversion);
  const invertible = models.filter((m) => m.card.format === 'lab-resnet');
  const [modelId, setModelId] = useState('');
  const [imageKey, setImageKey] = useState('');
  const [steps, setSteps] = useState(3000);
  const [learningRate, setLearningRate] = useState(1e-3);
  const chosen = invertible.some((m) => m.card.id === modelId) ? modelId : (invertible[0]?.card.id ?? '');
  const active = inversion.status === 'running' || inversion.status === 'cancelling';
  const result = inversion.status === 'done' ? inversion.result : null;
  const name = (id: string | null) => models.find((m) => m.card.id === id)?.card.name ?? id ?? '';
  const backend = useLab((s) => s.backend?.name ?? null);
  const rates = useMeasuredRates();
  const card = invertible.find((m) => m.card.id === chosen)?.card;
  const estimate = inversionCost({
    steps,
    inputSize: card?.inputSize ?? 32,
    backend,
    measuredSecondsPerStep: rates[`${chosen}|${backend ?? ''}`] ?? null,
  });
  return (
    <section aria-label="Feature inversion" data-testid="inversion-view">
      <h3>Invert one image</h3>
      <p className="muted small">
        Reconstructs an image from the model's layer4 features with a Deep Image Prior (Adam; the paper: lr
        1e-3, 3,000 steps), then measures the per-channel pixel MSE (0–255 scale).
      </p>
      <fieldset disabled={active}>
        <label>
          Model{' '}
          <select value={chosen} onChange={(e) => setModelId(e.target.value)} data-testid="invert-model">
            {invertible.map((m) => (
              <option key={m.card.id} value={m.card.id}>
                {m.card.name}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Image{' '}
          <input
            type="text"
            value={imageKey}
            placeholder="first test image"
            onChange={(e) => setImageKey(e.target.value)}
            data-testid="invert-image"
          />
        </label>{' '}
        <label>
          Steps{' '}
          <input
            type="number"
            min={1}
            max={100000}
            value={steps}
            onChange={(e) => setSteps(Math.max(1, Math.round(Number(e.target.value) || 1)))}
            data-testid="invert-steps"
          />
        </label>{' '}
        <label>
          Learning rate{' '}
          <input
            type="number"
            min={0}
            step="any"
            value={learningRate}
            onChange={(e) => setLearningRate(Number(e.target.value) || 1e-3)}
            data-testid="invert-lr"
          />
        </label>
      </fieldset>
      {chosen ? <CostNotice estimate={estimate} steps={steps} /> : null}
      <div className="buttons">
        <button
          type="button"
          data-testid="invert"
          disabled={active || !dataset || !chosen}
          onClick={() => void invertImage(chosen, imageKey.trim() || null, { steps, learningRate })}
        >
          Invert
        </button>
        <button
          type="button"
          data-testid="invert-cancel"
          disabled={inversion.status !== 'running'}
          onClick={() => void cancelInversion()}
        >
          Cancel
        </button>
      </div>
      <div data-testid="invert-progress" data-status={inversion.status} aria-live="polite">
        {active ? (
          <>
            <progress value={progressFraction(inversion.progress)} max={1} aria-label="Inversion progress" />
            <p>{inversion.progress ? progressLine(inversion.progress) : 'Loading the model…'}</p>
          </>
        ) : null}
        {STATUS_TEXT[inversion.status] ? <p>{STATUS_TEXT[inversion.status]}</p> : null}
      </div>
      {result ? (
        <div data-testid="inversion-result">
          <div className="inversion-pair">
            <RgbCanvas
              image={result.original}
              label="input (after resize and crop)"
              testId="inversion-original"
            />
            <RgbCanvas
              image={result.reconstruction}
              label={`reconstruction from ${name(inversion.modelId)} layer4`}
              testId="inversion-reconstruction"
            />
          </div>
          <p data-testid="inversion-mse">
            MSE after {result.steps} steps (0–255 scale): R {result.mse.r.toFixed(1)}, G{' '}
            {result.mse.g.toFixed(1)}, B {result.mse.b.toFixed(1)}
          </p>
        </div>
      ) : null}
    </section>
  );
}
