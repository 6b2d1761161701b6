// A small pool of pixel workers (decode + resize off the engine's thread), independent of the platform:
// Node's worker_threads and the browser's Worker are both wrapped as a PixelWorkerPort.
//
// Buffers are transferred, never cloned: the encoded bytes go to a worker, the 8-bit crops come back.
// One request carries every rule the image is wanted under (linear, few-shot): one decode serves them all.

import { writeUnitFloat } from '../core/pixels/preprocess.ts';
import type { ResizeRule } from '../core/types.ts';
import type { PixelSource } from '../engine/extract.ts';
import { DecodeError, type DecodeFailure } from './decode/errors.ts';

export interface PixelRequest {
  id: number;
  key: string;
  bytes: Uint8Array;
  rules: ResizeRule[];
}

/** A DecodeError crosses the boundary as data (class identity is lost in structured cloning). */
export interface WireError {
  message: string;
  decode?: { key: string; reason: DecodeFailure };
}

/** `crops[i]` is the image under `rules[i]` of the request: crop·crop·3 bytes, before ToTensor's /255. */
export type PixelReply = { id: number; crops: Uint8Array[] } | { id: number; error: WireError };

/** The two things a pool needs from a worker, whatever the platform. */
export interface PixelWorkerPort {
  post(request: PixelRequest, transfer: ArrayBuffer[]): void;
  /** Registers the reply handler and a handler for the worker dying (it then answers nothing more). */
  listen(onReply: (reply: PixelReply) => void, onCrash: (err: Error) => void): void;
  terminate(): Promise<unknown>;
}

/** The pool itself broke (a worker died): not a problem of one image, so extraction stops instead of skipping. */
export class PixelPoolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PixelPoolError';
  }
}

export interface PixelPool extends PixelSource {
  readonly size: number;
  /** One rule's model input (float32 in [0, 1]): `cropSets` with `[rule]`, then ToTensor's /255. */
  pixels(bytes: Uint8Array, key: string, rule: ResizeRule): Promise<Float32Array>;
  close(): Promise<void>;
}

export function errorToWire(err: unknown): WireError {
  if (err instanceof DecodeError)
    return { message: err.message, decode: { key: err.key, reason: err.reason } };
  return { message: err instanceof Error ? err.message : String(err) };
}

export function errorFromWire(wire: WireError): Error {
  if (!wire.decode) return new Error(wire.message);
  const err = new DecodeError(wire.decode.key, wire.decode.reason);
  err.message = wire.message; // keeps the detail the worker's DecodeError had
  return err;
}

/**
 * The bytes as a buffer that may be transferred: a view into a bigger buffer (a tar shard, Node's pooled
 * small-file Buffers) is copied first, so transferring never detaches memory the caller still uses.
 */
export function transferable(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
}

/** The worker side: one request in, one reply out (with its buffer to transfer). */
export async function answerPixelRequest(
  cropBytes: (bytes: Uint8Array, key: string, rules: ResizeRule[]) => Promise<Uint8Array[]>,
  request: PixelRequest,
): Promise<{ reply: PixelReply; transfer: ArrayBuffer[] }> {
  try {
    const crops = (await cropBytes(request.bytes, request.key, request.rules)).map(transferable);
    // A set: two rules may give views of one buffer (an image already at a rule's size), listed once.
    return {
      reply: { id: request.id, crops },
      transfer: [...new Set(crops.map((c) => c.buffer as ArrayBuffer))],
    };
  } catch (err) {
    return { reply: { id: request.id, error: errorToWire(err) }, transfer: [] };
  }
}

interface Pending {
  resolve(crops: Uint8Array[]): void;
  reject(err: Error): void;
  worker: number;
}

/** Sends each image to the worker with the fewest images in flight; replies are matched by id. */
export function createPixelPool(ports: PixelWorkerPort[]): PixelPool {
  if (ports.length === 0) throw new RangeError('a pixel pool needs at least one worker');
  const pending = new Map<number, Pending>();
  const inFlight = ports.map(() => 0);
  const dead: (Error | null)[] = ports.map(() => null);
  let nextId = 0;
  let closed = false;

  ports.forEach((port, w) => {
    port.listen(
      (reply) => {
        const job = pending.get(reply.id);
        if (!job) return;
        pending.delete(reply.id);
        inFlight[w]--;
        if ('crops' in reply) job.resolve(reply.crops);
        else job.reject(errorFromWire(reply.error));
      },
      (err) => {
        dead[w] = err;
        for (const [id, job] of pending) {
          if (job.worker !== w) continue;
          pending.delete(id);
          job.reject(new PixelPoolError(`pixel worker ${w} died: ${err.message}`));
        }
      },
    );
  });

  function pickWorker(): number {
    let best = -1;
    for (let w = 0; w < ports.length; w++) {
      if (!dead[w] && (best < 0 || inFlight[w] < inFlight[best])) best = w;
    }
    if (best < 0) throw new PixelPoolError(`every pixel worker died (${dead[0]?.message})`);
    return best;
  }

  function cropSets(bytes: Uint8Array, key: string, rules: readonly ResizeRule[]): Promise<Uint8Array[]> {
    if (closed) return Promise.reject(new PixelPoolError('the pixel pool is closed'));
    return new Promise<Uint8Array[]>((resolve, reject) => {
      const worker = pickWorker();
      const id = nextId++;
      const payload = transferable(bytes);
      pending.set(id, { resolve, reject, worker });
      inFlight[worker]++;
      ports[worker].post({ id, key, bytes: payload, rules: [...rules] }, [payload.buffer as ArrayBuffer]);
    });
  }

  return {
    size: ports.length,
    cropSets,
    async pixels(bytes, key, rule) {
      const [crop] = await cropSets(bytes, key, [rule]);
      const out = new Float32Array(crop.length);
      writeUnitFloat(crop, out, 0);
      return out;
    },
    async close() {
      closed = true;
      for (const [id, job] of pending) {
        pending.delete(id);
        job.reject(new PixelPoolError('the pixel pool was closed'));
      }
      await Promise.all(ports.map((p) => p.terminate()));
    },
  };
}
