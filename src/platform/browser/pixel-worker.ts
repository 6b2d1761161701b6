// A browser pixel worker, nested in the engine's Worker: encoded bytes + rules in, the 8-bit crop under each
// rule out (one decode per image).
// Same decoder and resampler as the engine's own thread (MozJPEG wasm, PIL-exact resize), so pixels are equal.

import { answerPixelRequest, type PixelRequest } from '../pixel-pool-core.ts';
import { cropBytesBrowser } from './decode.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (event: MessageEvent<PixelRequest>) => {
  const { reply, transfer } = await answerPixelRequest(cropBytesBrowser, event.data);
  scope.postMessage(reply, transfer);
};
