import { useEffect, useRef, useState } from 'react';
import type { RgbImage } from '../../core/types.ts';
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
