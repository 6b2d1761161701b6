// Test helper: makes the Python-generated checkpoint fixtures on first use (.cache/ is gitignored).
// Other suites (backbone parity) call ensureCheckpointFixtures() too; see make_checkpoints.py for the list.
// Each `<name>.ref.safetensors` holds the torchvision-named float32 tensors a reader must reproduce;
// read it with readSafetensors() from ./safetensors.ts.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const PYTHON = '/usr/bin/python3';
const FIXTURE_VERSION = 5;
const ROOT = resolve(import.meta.dirname, '../..');
export const CHECKPOINT_FIXTURE_DIR = join(ROOT, '.cache/fixtures/checkpoints');
/** Where the hostile fixtures' payload would create a file if anything ever executed it. */
export const PWNED_MARKER = join(ROOT, '.cache/fixtures/checkpoints-PWNED');

/** Why Python fixtures cannot be made here, or null when torch is importable. */
export function pythonTorchUnavailable(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision, numpy'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not found (${probe.error.message})`;
  if (probe.status !== 0) return `${PYTHON} cannot import torch/torchvision/numpy: ${probe.stderr.trim()}`;
  return null;
}

function isComplete(dir: string): boolean {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) return false;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: number; files: string[] };
  return manifest.version === FIXTURE_VERSION && manifest.files.every((f) => existsSync(join(dir, f)));
}

/**
 * Returns the fixture directory, generating it (≈15 s, ≈1.5 GB) if missing or stale. Generation writes to a
 * private temporary folder renamed into place, so parallel test processes never see a half-written set.
 */
export function ensureCheckpointFixtures(): string {
  const dir = CHECKPOINT_FIXTURE_DIR;
  if (isComplete(dir)) return dir;
  const unavailable = pythonTorchUnavailable();
  if (unavailable) throw new Error(`cannot generate checkpoint fixtures: ${unavailable}`);
  const scratch = `${dir}.tmp-${process.pid}-${Date.now()}`;
  const script = join(ROOT, 'scripts/fixtures/make_checkpoints.py');
  const run = spawnSync(PYTHON, [script, scratch], { encoding: 'utf8', timeout: 300_000 });
  if (run.status !== 0) {
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(`make_checkpoints.py failed: ${run.stderr || run.error?.message}`);
  }
  if (isComplete(dir)) {
    rmSync(scratch, { recursive: true, force: true }); // another process finished first
    return dir;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  renameSync(scratch, dir);
  if (!isComplete(dir)) throw new Error('make_checkpoints.py ran but the fixture set is incomplete');
  return dir;
}

export function readFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(ensureCheckpointFixtures(), name)));
}
