// tfjs-backend-wasm (4.22) has no Conv2DBackpropFilter kernel, so no gradient can pass through a conv2d on
// wasm: tfjs's conv2d gradients compute the filter derivative even when only the input's is wanted. This
// registers a plain-JS implementation (the cpu backend's algorithm, NHWC only) on the wasm backend so
// feature inversion runs there too. It is correct but not fast: GPUs (webgpu/webgl) have native kernels.

import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';

const KERNEL = 'Conv2DBackpropFilter';

interface FilterGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** dW[kh, kw, ci, co] = Σ over batch and output positions of x[b, y·s + kh − pad, …, ci] · dy[b, y, …, co]. */
function filterGrad(x: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const dW = new Float32Array(fh * fw * ci * co);
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        const dyOff = ((b * outHeight + yR) * outWidth + yC) * co;
        for (let wR = 0; wR < fh; wR++) {
          const xR = yR * sh + wR - top;
          if (xR < 0 || xR >= inHeight) continue;
          for (let wC = 0; wC < fw; wC++) {
            const xC = yC * sw + wC - left;
            if (xC < 0 || xC >= inWidth) continue;
            const xOff = ((b * inHeight + xR) * inWidth + xC) * ci;
            const wOff = (wR * fw + wC) * ci * co;
            for (let i = 0; i < ci; i++) {
              const xv = x[xOff + i];
              if (xv === 0) continue;
              const row = wOff + i * co;
              for (let o = 0; o < co; o++) dW[row + o] += xv * dy[dyOff + o];
            }
          }
        }
      }
    }
  }
  return dW;
}

const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as FilterGradAttrs;
  if (a.dataFormat !== 'NHWC')
    throw new Error(`${KERNEL} on wasm: only NHWC is implemented, got ${a.dataFormat}`);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    a.filterShape,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
  const dW = filterGrad(
    wasm.typedArrayFromHeap(x) as Float32Array,
    wasm.typedArrayFromHeap(dy) as Float32Array,
    info,
  );
  return wasm.makeOutput(a.filterShape, 'float32', undefined, dW);
};

/** Registers the kernel on wasm unless tfjs already has one (a later tfjs version may ship it). */
export function registerWasmConvFilterGrad(): void {
  if (tf.getKernel(KERNEL, 'wasm') === undefined)
    tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc });
}
