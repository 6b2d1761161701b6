import type { SliceCreator } from './types.ts';

export interface LabError {
  id: number;
  message: string;
}

export interface ErrorsSlice {
  errors: LabError[];
  reportError(error: unknown, context?: string): void;
  dismissError(id: number): void;
}

/** A user-facing message from anything thrown (comlink turns worker errors into plain Errors). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

export const createErrorsSlice: SliceCreator<ErrorsSlice> = (set, get) => ({
  errors: [],
  reportError(error, context) {
    const message = context ? `${context}: ${errorMessage(error)}` : errorMessage(error);
    const id = (get().errors.at(-1)?.id ?? 0) + 1;
    set({ errors: [...get().errors, { id, message }] });
  },
  dismissError(id) {
    set({ errors: get().errors.filter((e) => e.id !== id) });
  },
});
