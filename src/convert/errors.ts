// Typed failures of the checkpoint readers. Callers (UI, CLI, fuzz tests) can rely on every bad input
// surfacing as a CheckpointError subclass, never as a RangeError or a hang.

import { printableMessage } from '../core/text/printable.ts';

/** Base class: anything wrong with a checkpoint file. Its message is printable (control characters escaped) and capped. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
  constructor(message: string) {
    super(printableMessage(message));
  }
}

/** The file is cut short, or its structure contradicts itself. */
export class CorruptCheckpointError extends CheckpointError {
  override name = 'CorruptCheckpointError';
}

/** The pickle asked for a global or a call outside the allow-list; nothing was executed. */
export class UnsafePickleError extends CheckpointError {
  override name = 'UnsafePickleError';
}

/** Well-formed, but a feature we deliberately do not read (e.g. ZIP encryption, an exotic dtype). */
export class UnsupportedCheckpointError extends CheckpointError {
  override name = 'UnsupportedCheckpointError';
}

/** Sizes over the configured caps (zip bombs, absurd shapes). */
export class CheckpointTooLargeError extends CheckpointError {
  override name = 'CheckpointTooLargeError';
}
