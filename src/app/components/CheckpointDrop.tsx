import { type DragEvent, useState } from 'react';
import { formatDuration } from '../../core/progress.ts';
import type { ConvertOptions } from '../../worker/api.ts';
import { useLab } from '../store/react.ts';

const ACCEPT = '.pth,.pt,.tar,.safetensors,.ckpt,.pkl';

/** Drop (or choose) a PyTorch / safetensors ResNet checkpoint: it is converted in the worker and added. */
export function CheckpointDrop() {
  const convert = useLab((s) => s.convertCheckpoint);
  const converting = useLab((s) => s.converting);
  const lastConversion = useLab((s) => s.lastConversion);
  const [normalisation, setNormalisation] = useState<ConvertOptions['normalisation']>('imagenet');
  const [family, setFamily] = useState('');
  const [container, setContainer] = useState('');
  const [prefix, setPrefix] = useState('');
  const start = (file: File | undefined) => {
    if (!file) return;
    void convert(file, {
      normalisation,
      family: family.trim() || undefined,
      profile: 'auto',
      container: container.trim() || undefined,
      prefix: prefix.trim() || undefined,
    });
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    start(e.dataTransfer.files[0]);
  };
  return (
    <section
      aria-label="Checkpoint drop zone"
      className="checkpoint-drop"
      data-testid="checkpoint-drop"
      onDragOver={(e) => e.preventDefault()}
      onDrop={onDrop}
    >
      <p className="small">
        Or drop a ResNet checkpoint here (<code>.pth</code>, <code>.pth.tar</code>, <code>.safetensors</code>,
        or BYOL's Haiku <code>.pkl</code>): the backbone is found in whatever container and key prefix it sits
        under, converted in this tab and kept in memory for the session.
      </p>
      <label>
        Normalisation{' '}
        <select
          value={normalisation}
          onChange={(e) => setNormalisation(e.target.value as ConvertOptions['normalisation'])}
        >
          <option value="imagenet">ImageNet mean/std</option>
          <option value="none">none, [0, 1] RGB (SimCLR)</option>
        </select>
      </label>{' '}
      <label>
        Family{' '}
        <input
          value={family}
          onChange={(e) => setFamily(e.target.value)}
          placeholder="inferred if empty"
          size={14}
        />
      </label>{' '}
      <details className="small">
        <summary>Where the backbone is (optional: found automatically)</summary>
        <label>
          Container{' '}
          <input
            value={container}
            onChange={(e) => setContainer(e.target.value)}
            placeholder="e.g. teacher"
            size={14}
          />
        </label>{' '}
        <label>
          Key prefix{' '}
          <input
            value={prefix}
            onChange={(e) => setPrefix(e.target.value)}
            placeholder="e.g. module.backbone."
            size={16}
          />
        </label>
      </details>{' '}
      <label className="file-button">
        Choose a checkpoint…
        <input
          type="file"
          accept={ACCEPT}
          data-testid="checkpoint-input"
          disabled={converting !== null}
          onChange={(e) => {
            start(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
      </label>
      {converting ? (
        <p aria-live="polite">
          {converting.stage}: {converting.detail ?? ''} ({converting.done}/{converting.total})
          {converting.etaSeconds !== null ? ` · ETA ${formatDuration(converting.etaSeconds)}` : ''}
        </p>
      ) : null}
      {lastConversion && !converting ? (
        <p className="small" data-testid="conversion-report">
          {lastConversion}
        </p>
      ) : null}
    </section>
  );
}
