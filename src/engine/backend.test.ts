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
    await expect(initBackend('webgpu')).rejects.toThrow(
      /backend 'webgpu' is not available here \(available: wasm, cpu\)/,
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
