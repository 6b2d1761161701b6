// The protocol's validation split for datasets without an official one: a seeded shuffle of the
// training indices, the first `fraction` of which become validation.

import { createRng } from './rng.ts';

export interface IndexSplit {
  train: number[];
  val: number[];
}

export function randomValidationSplit(nTrain: number, fraction = 0.2, seed = 0): IndexSplit {
  if (!(fraction > 0 && fraction < 1))
    throw new RangeError(`validation fraction must be in (0, 1), got ${fraction}`);
  const order = createRng(seed).shuffle(Array.from({ length: nTrain }, (_, i) => i));
  const nVal = Math.floor(nTrain * fraction);
  return { val: order.slice(0, nVal), train: order.slice(nVal) };
}
