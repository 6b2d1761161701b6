// Picks and initialises the tfjs backend once, and says why. Node: wasm (SIMD), else cpu. Browser: a
// HARDWARE WebGPU adapter, else wasm, else webgl, else cpu — software GPUs (SwiftShader) are 20–100× slower
// than wasm on the same CPU (notes/browser-setup.md §3.3), so "has WebGPU" alone is not a reason to use it.

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from '../core/types.ts';

export interface BackendInfo {
  name: BackendName;
  threads: number;
  /** WebGPU adapter or WebGL renderer description, when a GPU backend was considered. */
  adapter?: string;
  reason: string;
  available: BackendName[];
}

/** What the platform offers, probed without initialising any backend (see backend-browser.ts). */
export interface PlatformProbe {
  available: BackendName[];
  /** A WebGPU adapter exists and is real hardware (not a fallback / SwiftShader adapter). */
  hardwareWebGpu: boolean;
  webgpuAdapter?: string;
  webglRenderer?: string;
  softwareWebGl: boolean;
}

export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/**
 * The browser's core count as read when this module loaded: before initBackend raises
 * navigator.hardwareConcurrency to lift tfjs-wasm's thread cap (backend-browser.ts). Undefined in Node 20.
 */
export const BROWSER_CORES: number | undefined = globalThis.navigator?.hardwareConcurrency;

const NODE_PROBE: PlatformProbe = { available: ['wasm', 'cpu'], hardwareWebGpu: false, softwareWebGl: false };

/**
 * Node offers webgpu only when asked for by name (never in 'auto': a CLI run stays on wasm unless the user
 * chooses the GPU), through Dawn. A software adapter (SwiftShader) is used only with TLAB_WEBGPU_SOFTWARE=1:
 * it is for correctness tests, 20-100x slower than wasm.
 */
async function probeNode(pref: BackendName | 'auto'): Promise<PlatformProbe> {
  if (pref !== 'webgpu') return NODE_PROBE;
  const { installNodeWebGpu } = await import('./backend-node-webgpu.ts');
  const gpu = await installNodeWebGpu({ allowSoftware: process.env.TLAB_WEBGPU_SOFTWARE === '1' });
  if (gpu.software && process.env.TLAB_WEBGPU_SOFTWARE !== '1')
    throw new Error(
      `only a software WebGPU adapter is available (${gpu.adapter}); set TLAB_WEBGPU_SOFTWARE=1 to use it anyway`,
    );
  return {
    ...NODE_PROBE,
    available: ['webgpu', ...NODE_PROBE.available],
    hardwareWebGpu: !gpu.software,
    webgpuAdapter: gpu.adapter,
  };
}

async function probePlatform(pref: BackendName | 'auto'): Promise<PlatformProbe> {
  if (isNode()) return probeNode(pref);
  // Browser-only code (Vite ?url imports, webgl/webgpu packages) stays out of Node's module graph.
  const browser = await import('./backend-browser.ts');
  return browser.prepareBrowserBackends();
}

function threadsOf(name: BackendName): number {
  return name === 'wasm' ? getThreadsCount() : 1;
}

async function activate(name: BackendName): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false; // tfjs mostly returns false, but some init failures throw
  }
}

function info(name: BackendName, probe: PlatformProbe, reason: string): BackendInfo {
  const adapter =
    name === 'webgpu' ? probe.webgpuAdapter : name === 'webgl' ? probe.webglRenderer : undefined;
  return {
    name,
    threads: threadsOf(name),
    reason,
    available: probe.available,
    ...(adapter ? { adapter } : {}),
  };
}

/** The automatic order for a probed platform, each candidate with the reason it would be chosen. */
export function autoCandidates(probe: PlatformProbe): [BackendName, string][] {
  const list: [BackendName, string][] = [];
  if (probe.hardwareWebGpu)
    list.push(['webgpu', `hardware WebGPU adapter (${probe.webgpuAdapter ?? 'unknown'})`]);
  const noGpu = probe.available.includes('webgpu')
    ? 'the WebGPU adapter is a software fallback'
    : 'no WebGPU adapter';
  list.push([
    'wasm',
    probe.hardwareWebGpu ? 'WebGPU failed to initialise' : `${noGpu}; wasm SIMD is fastest on CPU`,
  ]);
  list.push(['webgl', probe.softwareWebGl ? 'wasm failed; WebGL (software renderer)' : 'wasm failed; WebGL']);
  list.push(['cpu', 'no other backend initialised']);
  return list;
}

/** Initialises `pref` (throws if it cannot) or the best backend for this machine when 'auto'. */
export async function initBackend(pref: BackendName | 'auto' = 'auto'): Promise<BackendInfo> {
  const probe = await probePlatform(pref);
  // PROD only silences tfjs's console advice; in Node that advice is to install tfjs-node, which the lab avoids.
  if (isNode()) tf.env().set('PROD', true);
  if (pref !== 'auto') {
    if (!probe.available.includes(pref)) {
      throw new Error(`backend '${pref}' is not available here (available: ${probe.available.join(', ')})`);
    }
    if (!(await activate(pref))) throw new Error(`backend '${pref}' failed to initialise`);
    return info(pref, probe, 'chosen by the user');
  }
  for (const [name, reason] of autoCandidates(probe)) {
    if (!probe.available.includes(name)) continue;
    if (await activate(name)) return info(name, probe, reason);
  }
  throw new Error('no tfjs backend could be initialised');
}
