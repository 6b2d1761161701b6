// Feature inversion needs tfjs's gradient functions, which tfjs-core registers only when asked (the rest of
// the lab never differentiates, so they are loaded here, on first use, not at start-up).
//
// Browser (Vite): tfjs-core's ESM entry `dist/register_all_gradients` registers them on the shared engine.
// Node: that ESM file uses directory imports Node cannot resolve, so the `@tensorflow/tfjs` bundle (CommonJS,
// which registers every gradient into the same global registry on import) is loaded instead; its specifier
// is hidden from Vite so the browser build does not pull the whole union package in.

import * as tf from '@tensorflow/tfjs-core';
import { isNode } from '../backend.ts';
import { registerWasmConvFilterGrad } from './wasm-conv-filter-grad.ts';

let loaded: Promise<void> | null = null;

/** True when the gradient of Mean (one of many; absent without registration) is known to tfjs. */
function gradientsRegistered(): boolean {
  return tf.getGradient('Mean') !== undefined;
}

export function ensureGradients(): Promise<void> {
  loaded ??= (async () => {
    registerWasmConvFilterGrad();
    if (gradientsRegistered()) return;
    if (isNode()) {
      const nodeBundle = '@tensorflow/tfjs';
      await import(/* @vite-ignore */ nodeBundle);
    } else {
      await import('@tensorflow/tfjs-core/dist/register_all_gradients');
    }
    if (!gradientsRegistered()) throw new Error('tfjs gradient functions could not be registered');
  })();
  return loaded;
}
