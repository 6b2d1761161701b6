import { useMemo, useState } from 'react';
import { DEFAULT_DIFFUSION_SETTINGS, PAPER_STRIDE } from '../../core/diffusion/settings.ts';
import { formatDuration } from '../../core/progress.ts';
import { diffusionCost } from '../diffusion-cost.ts';
import { progressFraction, progressLine } from '../progress-text.ts';
import { useLab } from '../store/react.ts';
import { DiffusionView } from './DiffusionView.tsx';

const STATUS_TEXT: Record<string, string> = {
  cancelling: 'Cancelling…',
  cancelled: 'Attentive diffusion cancelled.',
  failed: 'Attentive diffusion failed (see the message above).',
};

/**
 * Attentive diffusion (paper §4.9) of the selected models on a seeded sample of the dataset's images: the
 * stride is the cost knob (the paper's stride 1 is one tick away), the rest is the paper's occluder.
 */
export function DiffusionPanel() {
  const dataset = useLab((s) => s.dataset);
  const selected = useLab((s) => s.selectedModels);
  const state = useLab((s) => s.diffusion);
  const runDiffusion = useLab((s) => s.runDiffusion);
  const cancelDiffusion = useLab((s) => s.cancelDiffusion);
  const [stride, setStride] = useState(DEFAULT_DIFFUSION_SETTINGS.stride);
  const [paper, setPaper] = useState(false);
  const [images, setImages] = useState(DEFAULT_DIFFUSION_SETTINGS.images);
  const active = state.status === 'running' || state.status === 'cancelling';
  const rows = useMemo(
    () => state.runs.map((r) => ({ label: r.modelName, result: r.result, images: r.crops })),
    [state.runs],
  );
  const settings = { ...DEFAULT_DIFFUSION_SETTINGS, stride: paper ? PAPER_STRIDE : stride, images };
  const models = useLab((s) => s.models);
  const backend = useLab((s) => s.backend?.name ?? null);
  const crops = models
    .filter((m) => selected.includes(m.card.id))
    .map((m) => m.card.preprocessing.linear.crop);
  return (
    <section aria-label="Attentive diffusion" data-testid="diffusion-panel">
      <h3>Attentive diffusion</h3>
      <p className="muted small">
        A 10×10 occluder (value 0 after the model's normalisation) slides over each image; each pixel's score
        is the relative change of the pooled features, averaged over the occlusions covering it. Diffusion is
        the % of the map above its mean (the paper: supervised 43.9 %, most self-supervised 45–49 %).
      </p>
      <fieldset disabled={active}>
        <label>
          Stride{' '}
          <input
            type="number"
            min={1}
            max={DEFAULT_DIFFUSION_SETTINGS.occluder}
            value={paper ? PAPER_STRIDE : stride}
            disabled={paper}
            onChange={(e) =>
              setStride(
                Math.min(
                  DEFAULT_DIFFUSION_SETTINGS.occluder,
                  Math.max(1, Math.round(Number(e.target.value) || 1)),
                ),
              )
            }
            data-testid="diffusion-stride"
          />
        </label>{' '}
        <label>
          <input
            type="checkbox"
            checked={paper}
            onChange={(e) => setPaper(e.target.checked)}
            data-testid="diffusion-paper"
          />{' '}
          Paper setting (stride 1: about 54,000 forward passes per 224-pixel image)
        </label>{' '}
        <label>
          Images{' '}
          <input
            type="number"
            min={1}
            max={1000}
            value={images}
            onChange={(e) => setImages(Math.max(1, Math.round(Number(e.target.value) || 1)))}
            data-testid="diffusion-images"
          />
        </label>
      </fieldset>
      {crops.length > 0 && !active ? (
        <CostNotice crops={crops} settings={settings} backend={backend} />
      ) : null}
      <div className="buttons">
        <button
          type="button"
          data-testid="diffusion-run"
          disabled={active || !dataset || selected.length === 0}
          onClick={() => void runDiffusion(selected, settings)}
        >
          Run attentive diffusion
        </button>
        <button
          type="button"
          data-testid="diffusion-cancel"
          disabled={state.status !== 'running'}
          onClick={() => void cancelDiffusion()}
        >
          Cancel
        </button>
      </div>
      <div data-testid="diffusion-progress" data-status={state.status} aria-live="polite">
        {active ? (
          <>
            <progress
              value={progressFraction(state.progress)}
              max={1}
              aria-label="Attentive diffusion progress"
            />
            <p>{state.progress ? progressLine(state.progress) : 'Loading the models and images…'}</p>
          </>
        ) : null}
        {STATUS_TEXT[state.status] ? <p>{STATUS_TEXT[state.status]}</p> : null}
      </div>
      <DiffusionView rows={rows} />
    </section>
  );
}

/** The cost of pressing Run, said before it is pressed (forward passes always; time where it has a basis). */
function CostNotice(props: {
  crops: number[];
  settings: typeof DEFAULT_DIFFUSION_SETTINGS;
  backend: string | null;
}) {
  const cost = diffusionCost(props);
  const passes = `${cost.passes.toLocaleString('en-US')} forward passes (${props.crops.length} model${props.crops.length === 1 ? '' : 's'} × ${props.settings.images} images)`;
  return (
    <p className="cost" data-testid="diffusion-cost">
      {cost.seconds === null
        ? `This run: ${passes}. Its time is not known before it starts on this backend and these models; the progress line shows an ETA, and Cancel stops it at any time.`
        : `This run: ${passes}, about ${formatDuration(cost.seconds)} on this CPU (measured with the zoo models on the 2-core test machine). Cancel stops it at any time.`}
    </p>
  );
}
