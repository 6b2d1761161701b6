// The work and memory budget of one checkpoint read. Every reader charges it BEFORE it does the work or
// allocates the memory (objects visited, bytes inflated, floats materialised), so a hostile file is refused
// by arithmetic on what it declares, not after the machine has run out of time or memory.

import { CheckpointTooLargeError } from './errors.ts';

export interface BudgetLimits {
  /** Containers and tensors visited while flattening the unpickled object graph. */
  maxObjects: number;
  /** Opcode-level work of the unpickler: items consumed by calls (sizes, pair lists, sets). */
  maxPickleWork: number;
  /** Bytes allocated while reading: inflated zip entries, decoded storages, float32 tensors. */
  maxBytes: number;
}

export const DEFAULT_BUDGET: BudgetLimits = {
  // A ResNet-152 state dict has ~1,000 tensors, a Haiku tree a few thousand paths.
  maxObjects: 200_000,
  maxPickleWork: 10_000_000,
  // 768 MiB: a wide_resnet101_2 (127 M parameters, 508 MB as float32) fits with its raw storages.
  maxBytes: 768 * 2 ** 20,
};

export class ReadBudget {
  private objects = 0;
  private work = 0;
  private bytes = 0;

  constructor(readonly limits: BudgetLimits = DEFAULT_BUDGET) {}

  visit(what: string): void {
    if (++this.objects > this.limits.maxObjects) {
      throw new CheckpointTooLargeError(
        `${what}: more than ${this.limits.maxObjects} objects in the checkpoint's structure (work budget)`,
      );
    }
  }

  pickleWork(units: number, what: string): void {
    this.work += units;
    if (this.work > this.limits.maxPickleWork) {
      throw new CheckpointTooLargeError(
        `${what}: the pickle asks for more than ${this.limits.maxPickleWork} units of work (work budget)`,
      );
    }
  }

  /** Charges `n` bytes about to be allocated; throws before the allocation when over the budget. */
  allocate(n: number, what: string): void {
    if (!Number.isFinite(n) || n < 0 || this.bytes + n > this.limits.maxBytes) {
      throw new CheckpointTooLargeError(
        `${what}: needs ${n} more bytes, ${this.bytes} already used, over the ${this.limits.maxBytes}-byte memory budget`,
      );
    }
    this.bytes += n;
  }

  get bytesUsed(): number {
    return this.bytes;
  }
}
