import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { autoCandidates, initBackend, type PlatformProbe } from './backend.ts';

describe('initBackend in Node', () => {
  it("'auto' picks wasm (SIMD) and says why", async () => {
    const info = await initBackend('auto');
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.available).toEqual(['wasm', 'cpu']);
    expect(info.reason).toMatch(/wasm SIMD is fastest on CPU/);
  });

  it('honours an explicit choice and refuses one this platform lacks', async () => {
    expect((await initBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    // Node offers webgpu only through Dawn with a hardware adapter (or TLAB_WEBGPU_SOFTWARE=1); here there is
    // none, and the error says what is missing.
    const webgpu = await initBackend('webgpu').then(
      (info) => info.name as string,
      (err: Error) => err.message,
    );
    expect(webgpu).toMatch(
      /^webgpu$|no WebGPU adapter in Node|only a software WebGPU adapter|WebGPU in Node needs/,
    );
    await initBackend('wasm');
  });
});

describe('automatic order (browser probes)', () => {
  const base: PlatformProbe = {
    available: ['webgpu', 'wasm', 'webgl', 'cpu'],
    hardwareWebGpu: false,
    softwareWebGl: true,
  };
  const names = (p: PlatformProbe) => autoCandidates(p).map(([n]) => n);

  it('uses WebGPU first only on a hardware adapter', () => {
    expect(names({ ...base, hardwareWebGpu: true, webgpuAdapter: 'nvidia ampere' })[0]).toBe('webgpu');
    expect(autoCandidates({ ...base, hardwareWebGpu: true, webgpuAdapter: 'nvidia ampere' })[0][1]).toMatch(
      /nvidia ampere/,
    );
  });

  it('prefers wasm over a software (SwiftShader) WebGPU adapter and over WebGL', () => {
    expect(names(base)).toEqual(['wasm', 'webgl', 'cpu']);
    expect(autoCandidates(base)[0][1]).toMatch(/software fallback/);
  });
});
