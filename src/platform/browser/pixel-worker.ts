// A browser pixel worker, nested in the engine's Worker: encoded bytes + rules in, the exact model input under
// each rule out (one decode per image).
// Same decoder and resampler as the engine's own thread (MozJPEG wasm, PIL-exact resize), so pixels are equal.

import { answerPixelRequest, type PixelRequest } from '../pixel-pool-core.ts';
import { preprocessBytesSetsBrowser } from './decode.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (event: MessageEvent<PixelRequest>) => {
  const { reply, transfer } = await answerPixelRequest(preprocessBytesSetsBrowser, event.data);
  scope.postMessage(reply, transfer);
};
