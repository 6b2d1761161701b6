// A Node pixel worker (worker_threads): encoded bytes + rules in, the 8-bit crop under each rule out
// (one decode per image).
// Started by pixel-pool.ts through a tiny bootstrap that registers tsx, since this file is TypeScript.

import { parentPort } from 'node:worker_threads';
import { answerPixelRequest, type PixelRequest } from '../pixel-pool-core.ts';
import { cropBytesNode } from './decode.ts';

const port = parentPort;
if (!port) throw new Error('pixel-worker.ts must run inside a worker thread');

port.on('message', async (request: PixelRequest) => {
  const { reply, transfer } = await answerPixelRequest(cropBytesNode, request);
  port.postMessage(reply, transfer);
});
