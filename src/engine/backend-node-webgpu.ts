// WebGPU in Node through Dawn (the `webgpu` npm package): the same tfjs WebGPU backend the browser runs, for
// the CLI on a GPU machine and for GPU benchmarks without a browser. Loaded only where isNode() holds and
// webgpu is asked for by name; Dawn needs the Vulkan loader (Debian: libvulkan1) and a Vulkan driver.

import { importNodeBuiltin } from './node-builtin.ts';

export interface NodeWebGpu {
  /** Adapter description, e.g. "nvidia ... " or "google swiftshader ...". */
  adapter: string;
  /** True for a software adapter (SwiftShader): correct but far slower than wasm, for tests only. */
  software: boolean;
}

/**
 * Chromium's SwiftShader Vulkan driver, used when no hardware driver answers and software is allowed.
 * Debian's chromium package ships it; the Vulkan loader reads VK_ICD_FILENAMES when an instance is created.
 */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}
interface AdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string };
}
interface GpuLike {
  requestAdapter(o?: { powerPreference?: string }): Promise<AdapterLike | null>;
}

let installed: Promise<NodeWebGpu> | undefined;

/** Installs navigator.gpu from Dawn (once per process) and registers tfjs's webgpu backend. */
export function installNodeWebGpu(opts: { allowSoftware: boolean }): Promise<NodeWebGpu> {
  installed ??= install(opts.allowSoftware);
  return installed;
}

async function install(allowSoftware: boolean): Promise<NodeWebGpu> {
  const dawn = await loadDawn();
  Object.assign(globalThis, dawn.globals); // GPUBufferUsage, GPUMapMode, ... as in a browser
  let gpu = dawn.create([]);
  let adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter && allowSoftware && process.env.VK_ICD_FILENAMES === undefined) {
    const { existsSync } = await importNodeBuiltin<typeof import('node:fs')>('node:fs');
    if (existsSync(SWIFTSHADER_ICD)) {
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
      gpu = dawn.create([]);
      adapter = await gpu.requestAdapter();
    }
  }
  if (!adapter) {
    throw new Error(
      'no WebGPU adapter in Node: Dawn found no Vulkan driver (install libvulkan1 and the GPU vendor driver; ' +
        `for a software check, Debian's chromium package provides SwiftShader at ${SWIFTSHADER_ICD})`,
    );
  }
  const g = globalThis as { navigator?: { gpu?: unknown } };
  // Node 20 has no navigator; Node 21+ has one without gpu. tfjs-backend-webgpu registers itself at import
  // time only if navigator.gpu exists, so this must come before the import below.
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true });
  Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  await import('@tensorflow/tfjs-backend-webgpu');
  const info = adapter.info ?? {};
  const text = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
  return { adapter: text || 'unknown adapter', software: /swiftshader|llvmpipe|lavapipe/i.test(text) };
}

async function loadDawn(): Promise<DawnModule> {
  const specifier: string = 'webgpu'; // a variable: the browser bundle never sees this package
  try {
    return (await import(/* @vite-ignore */ specifier)) as DawnModule;
  } catch (e) {
    throw new Error(
      `WebGPU in Node needs the 'webgpu' npm package (Dawn) and the Vulkan loader (libvulkan1): ${(e as Error).message}`,
    );
  }
}
