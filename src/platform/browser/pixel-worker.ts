// A browser pixel worker, nested in the engine's Worker: encoded bytes + rule in, the exact model input out.
// Same decoder and resampler as the engine's own thread (MozJPEG wasm, PIL-exact resize), so pixels are equal.

import { answerPixelRequest, type PixelRequest } from '../pixel-pool-core.ts';
import { preprocessBytesBrowser } from './decode.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (event: MessageEvent<PixelRequest>) => {
  const { reply, transfer } = await answerPixelRequest(preprocessBytesBrowser, event.data);
  scope.postMessage(reply, transfer);
};
