import type { Progress } from '../../core/types.ts';
import type { ConvertOptions, ConvertReport, ModelEntry, UpstreamModel } from '../../worker/api.ts';
import type { SliceCreator } from './types.ts';

export interface ModelsSlice {
  models: ModelEntry[];
  upstream: UpstreamModel[];
  selectedModels: string[];
  modelsStatus: 'loading' | 'ready' | 'failed';
  /** Loads the catalog; the embedded zoo starts selected so one click on Run gives a real comparison. */
  loadModels(): Promise<void>;
  toggleModel(id: string): void;
  /** Progress of a checkpoint conversion, or null when none runs. */
  converting: Progress | null;
  /** Converts a dropped checkpoint in the worker; the new model is added and selected. */
  convertCheckpoint(file: File, opts: ConvertOptions): Promise<void>;
  /** What the last conversion found (container, prefix, architecture, keys dropped, family), or null. */
  lastConversion: string | null;
}

/** The layout search's choice in one line, as the CLI prints it. */
export function conversionSummary(
  fileName: string,
  report: ConvertReport,
  family?: { family: string; from: string },
): string {
  const where = `${report.container} › ${report.prefix || '(no prefix)'}`;
  const parts = [
    `${fileName}: ${report.architecture} (${report.naming} names) found in ${where}`,
    `${report.tensors} tensors kept, ${report.dropped.length} keys dropped` +
      (report.dropped.length
        ? ` (${report.dropped.slice(0, 4).join(', ')}${report.dropped.length > 4 ? ', …' : ''})`
        : ''),
  ];
  if (report.outside) parts.push(`${report.outside} tensors outside the container ignored`);
  if (family) parts.push(`family ${family.family} (${family.from})`);
  for (const a of report.alternatives)
    parts.push(`also found ${a.architecture} in ${a.container} › ${a.prefix}`);
  if (report.missing.length) parts.push(`missing: ${report.missing.slice(0, 5).join(', ')}`);
  return parts.join('; ');
}

export const createModelsSlice: SliceCreator<ModelsSlice> = (set, get, client) => ({
  models: [],
  upstream: [],
  selectedModels: [],
  modelsStatus: 'loading',
  async loadModels() {
    try {
      const { catalog, models } = await client.listModels();
      set({
        models,
        upstream: catalog.upstream,
        // The zoo starts selected; the imported photo-trained CNNs (224–299 px, slower) are offered unticked.
        selectedModels: models.filter((m) => catalog.embedded.includes(m.card.id)).map((m) => m.card.id),
        modelsStatus: 'ready',
      });
    } catch (error) {
      set({ modelsStatus: 'failed' });
      get().reportError(error, 'Could not load the model catalog');
    }
  },
  converting: null,
  lastConversion: null,
  async convertCheckpoint(file, opts) {
    if (get().converting) return;
    set({
      converting: {
        stage: `Converting ${file.name}`,
        done: 0,
        total: 3,
        ratePerSecond: null,
        etaSeconds: null,
      },
    });
    // Progress comes over the worker's message channel, so its last message can arrive after the conversion
    // has resolved; taken then, it would show "converting" forever and hide the report (seen in e2e runs).
    let finished = false;
    try {
      const { model, report, familyFrom } = await client.convertCheckpoint(file, opts, (converting) => {
        if (!finished) set({ converting });
      });
      const summary = conversionSummary(file.name, report, { family: model.card.family, from: familyFrom });
      if (report.missing.length) get().reportError(new Error(`converted with missing weights: ${summary}`));
      set({ lastConversion: summary });
      set({
        models: [...get().models.filter((m) => m.card.id !== model.card.id), model],
        selectedModels: [...get().selectedModels.filter((id) => id !== model.card.id), model.card.id],
      });
    } catch (error) {
      get().reportError(
        error,
        `Could not convert ${file.name} (a torchvision-layout ResNet .pth, .pt or .safetensors is expected)`,
      );
    } finally {
      finished = true;
      set({ converting: null });
    }
  },
  toggleModel(id) {
    const selected = get().selectedModels;
    set({ selectedModels: selected.includes(id) ? selected.filter((m) => m !== id) : [...selected, id] });
  },
});
