import { execFileSync } from 'node:child_process';
import { defineConfig } from 'vitest/config';

// Node 20's V8 has WebAssembly relaxed SIMD (the GEMM kernel's FMA) behind a flag that later versions drop
// once it ships by default; pass it where this Node knows it so the tests run the kernel Chromium runs.
const v8Options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
const relaxedSimdFlag = '--experimental-wasm-relaxed-simd';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: files run in parallel by default; heavy parity suites mark themselves sequential.
    pool: 'forks',
    execArgv: v8Options.includes(relaxedSimdFlag) ? [relaxedSimdFlag] : [],
    env: { TZ: 'UTC' },
  },
});
