import { DEFAULT_SETTINGS } from '../../core/probes/registry.ts';
import type { EvalSettings } from '../../core/probes/settings.ts';
import type { ProbeKind } from '../../core/probes/types.ts';
import type { ResultRecord } from '../../core/record/types.ts';
import type { InputIssue } from '../../core/types.ts';
import type { RunProgress } from '../../worker/api.ts';
import { planRun } from './settings.ts';
import type { LabState, SliceCreator } from './types.ts';

export type RunStatus = 'idle' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'failed';

export interface RunState {
  status: RunStatus;
  runId: string | null;
  progress: RunProgress | null;
  /** Scores so far of the running evaluation: shown as "in progress", never kept once cancelled. */
  partial: ResultRecord | null;
  notes: string[];
  issues: InputIssue[];
}

export interface RunSlice {
  run: RunState;
  probes: ProbeKind[];
  toggleProbe(probe: ProbeKind): void;
  /** The protocol settings the next run starts from (the dataset may narrow the few-shot part). */
  settings: EvalSettings;
  updateSettings(patch: Partial<Omit<EvalSettings, 'fewshot'>> & { episodes?: number }): void;
  startRun(): Promise<void>;
  cancelRun(): Promise<void>;
  /** Bytes held by the browser's feature cache (features are reused across runs of the same data). */
  cacheBytes: number | null;
  refreshCacheSize(): Promise<void>;
  clearCache(): Promise<void>;
}

const IDLE: RunState = { status: 'idle', runId: null, progress: null, partial: null, notes: [], issues: [] };

/** Why Run cannot start now, or null when it can. */
export function runBlocker(state: LabState): string | null {
  if (state.run.status === 'running' || state.run.status === 'cancelling') return 'An evaluation is running';
  if (!state.backend) return 'The compute backend is starting';
  if (state.datasetStatus !== 'ready' || !state.dataset) return 'Choose a dataset first';
  if (state.selectedModels.length === 0) return 'Pick at least one model';
  if (state.probes.length === 0) return 'Pick at least one probe';
  return null;
}

const issueKey = (i: InputIssue) => `${i.key}\u0000${i.reason}`;

function newIssues(issues: InputIssue[], known: Set<string>): InputIssue[] {
  return issues.filter((i) => !known.has(issueKey(i)));
}

function isCancellation(error: unknown): boolean {
  return error instanceof Error && error.name === 'CancelledError';
}

let runCounter = 0;

export const createRunSlice: SliceCreator<RunSlice> = (set, get, client) => {
  /** Updates the run only while `runId` is still the current run (late callbacks of old runs are ignored). */
  const update = (runId: string, patch: Partial<RunState>) => {
    if (get().run.runId === runId) set({ run: { ...get().run, ...patch } });
  };
  return {
    run: IDLE,
    probes: ['linear', 'fewshot'],
    settings: DEFAULT_SETTINGS,
    updateSettings({ episodes, ...rest }) {
      const current = get().settings;
      const fewshot = episodes === undefined ? current.fewshot : { ...current.fewshot, episodes };
      set({ settings: { ...current, ...rest, fewshot } });
    },
    toggleProbe(probe) {
      const probes = get().probes;
      set({ probes: probes.includes(probe) ? probes.filter((p) => p !== probe) : [...probes, probe] });
    },
    async startRun() {
      const state = get();
      const blocker = runBlocker(state);
      if (blocker || !state.dataset) return;
      const plan = planRun(state.dataset, state.probes, state.settings);
      if (plan.probes.length === 0) {
        set({ run: { ...IDLE, notes: plan.notes } });
        return;
      }
      runCounter += 1;
      const runId = `run-${runCounter}`;
      // Problems found while listing are already shown with the dataset; the run reports only new ones.
      const known = new Set(state.dataset.issues.map(issueKey));
      set({ run: { ...IDLE, status: 'running', runId, notes: plan.notes } });
      try {
        const record = await client.run(
          {
            runId,
            datasetHandle: state.dataset.handle,
            modelIds: state.selectedModels,
            probes: plan.probes,
            settings: plan.settings,
          },
          {
            onProgress: (progress) => update(runId, { progress }),
            onRecord: (partial) => {
              if (get().run.status === 'running') update(runId, { partial });
            },
            onIssues: (issues) =>
              update(runId, { issues: [...get().run.issues, ...newIssues(issues, known)] }),
          },
        );
        if (get().run.runId !== runId) return;
        if (get().run.status === 'cancelling') {
          // The run finished before it saw the token: the user asked to drop it, so it is not kept.
          update(runId, { status: 'cancelled', partial: null, progress: null });
          return;
        }
        update(runId, { status: 'done', partial: null });
        get().addRecords([record]);
        void get().refreshCacheSize();
      } catch (error) {
        const cancelled = isCancellation(error);
        update(runId, { status: cancelled ? 'cancelled' : 'failed', partial: null, progress: null });
        if (!cancelled) get().reportError(error, 'The evaluation failed');
      }
    },
    cacheBytes: null,
    async refreshCacheSize() {
      try {
        set({ cacheBytes: await client.cacheSize() });
      } catch (error) {
        get().reportError(error, 'Could not measure the feature cache');
      }
    },
    async clearCache() {
      if (get().run.status === 'running') return;
      try {
        await client.clearCache();
      } catch (error) {
        get().reportError(error, 'Could not clear the feature cache');
      }
      await get().refreshCacheSize();
    },
    async cancelRun() {
      const { runId, status } = get().run;
      if (!runId || status !== 'running') return;
      // Partial scores disappear at once: a cancelled run must never look like a finished one.
      update(runId, { status: 'cancelling', partial: null });
      await client.cancel(runId);
    },
  };
};
