// Browser-only half of backend choice: registers the GPU backends, points tfjs-wasm at the binaries
// Vite bundled, lifts the wasm thread cap, and probes the GPU without initialising tfjs on it.

import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendName } from '../core/types.ts';
import type { PlatformProbe } from './backend.ts';

interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

interface GpuLike {
  requestAdapter(): Promise<{ info?: GpuAdapterInfoLike; isFallbackAdapter?: boolean } | null>;
}

/**
 * tfjs-wasm gives XNNPACK min(8, hardwareConcurrency/2) threads: 1 on a 2-core machine. Pretending to have
 * 4 cores there gives 2 threads (≈2× throughput, browser-setup.md §3.2). Must run before setBackend('wasm');
 * only useful when threads are possible at all (crossOriginIsolated → SharedArrayBuffer).
 */
function liftWasmThreadCap(): void {
  const cores = navigator.hardwareConcurrency ?? 1;
  if (!globalThis.crossOriginIsolated || cores < 2 || cores >= 4) return;
  Object.defineProperty(Object.getPrototypeOf(navigator), 'hardwareConcurrency', {
    get: () => 4,
    configurable: true,
  });
}

async function probeWebGpu(): Promise<{ present: boolean; hardware: boolean; label?: string }> {
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return { present: false, hardware: false };
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return { present: false, hardware: false };
  const i = adapter.info ?? {};
  const fallback = i.isFallbackAdapter === true || adapter.isFallbackAdapter === true;
  const software = fallback || /swiftshader/i.test(`${i.architecture ?? ''} ${i.description ?? ''}`);
  const label = [i.vendor, i.architecture, i.description].filter(Boolean).join(' ') || 'unnamed adapter';
  return { present: true, hardware: !software, label: software ? `${label} (software)` : label };
}

function probeWebGl(): { present: boolean; renderer?: string } {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null;
    if (!gl) return { present: false };
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { present: true, renderer };
  } catch {
    return { present: false };
  }
}

let wasmPathsSet = false;

export async function prepareBrowserBackends(): Promise<PlatformProbe> {
  if (!wasmPathsSet) {
    setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmPlain,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
    });
    liftWasmThreadCap();
    wasmPathsSet = true;
  }
  const webgpu = await probeWebGpu();
  const webgl = probeWebGl();
  const available: BackendName[] = [];
  if (webgpu.present) available.push('webgpu');
  if (typeof WebAssembly === 'object') available.push('wasm');
  if (webgl.present) available.push('webgl');
  available.push('cpu');
  return {
    available,
    hardwareWebGpu: webgpu.hardware,
    webgpuAdapter: webgpu.label,
    webglRenderer: webgl.renderer,
    softwareWebGl: /swiftshader|llvmpipe|software/i.test(webgl.renderer ?? ''),
  };
}
