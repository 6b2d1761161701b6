// Small typed guards for validating untrusted JSON (files, permalinks). Each one names the field it
// checks, so a user reading the error knows exactly which part of the record is wrong.

/** A ResultRecord (or part of one) that is malformed; `field` is a path like `scores[3].value`. */
export class RecordError extends Error {
  readonly field: string;
  constructor(field: string, problem: string) {
    super(field === '' ? problem : `${field}: ${problem}`);
    this.name = 'RecordError';
    this.field = field;
  }
}

export type Json = Record<string, unknown>;

export function kindOf(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'object' ? 'an object' : `a ${typeof x}`;
}

export function object(x: unknown, field: string): Json {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) {
    throw new RecordError(field, `expected an object, got ${kindOf(x)}`);
  }
  return x as Json;
}

export function array(x: unknown, field: string, maxLength: number): unknown[] {
  if (!Array.isArray(x)) throw new RecordError(field, `expected an array, got ${kindOf(x)}`);
  if (x.length > maxLength) throw new RecordError(field, `has ${x.length} entries, more than ${maxLength}`);
  return x;
}

export function string(x: unknown, field: string, maxLength: number, allowEmpty = true): string {
  if (typeof x !== 'string') throw new RecordError(field, `expected a string, got ${kindOf(x)}`);
  if (!allowEmpty && x.length === 0) throw new RecordError(field, 'must not be empty');
  if (x.length > maxLength)
    throw new RecordError(field, `is ${x.length} characters long, more than ${maxLength}`);
  return x;
}

export function boolean(x: unknown, field: string): boolean {
  if (typeof x !== 'boolean') throw new RecordError(field, `expected true or false, got ${kindOf(x)}`);
  return x;
}

/** A finite number in [min, max]. */
export function number(x: unknown, field: string, min = -Number.MAX_VALUE, max = Number.MAX_VALUE): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new RecordError(
      field,
      `expected a finite number, got ${typeof x === 'number' ? String(x) : kindOf(x)}`,
    );
  }
  if (x < min || x > max) throw new RecordError(field, `${x} is outside [${min}, ${max}]`);
  return x;
}

export function integer(x: unknown, field: string, min: number, max: number): number {
  const n = number(x, field, min, max);
  if (!Number.isInteger(n)) throw new RecordError(field, `expected a whole number, got ${n}`);
  return n;
}

export function oneOf<T extends string>(x: unknown, field: string, allowed: readonly T[]): T {
  if (typeof x !== 'string' || !(allowed as readonly string[]).includes(x)) {
    const got = typeof x === 'string' ? `'${x.slice(0, 40)}'` : kindOf(x);
    throw new RecordError(field, `expected one of ${allowed.join(', ')}, got ${got}`);
  }
  return x as T;
}

/** Reads an optional field: undefined stays undefined, anything else goes through `check`. */
export function optional<T>(x: unknown, check: (v: unknown) => T): T | undefined {
  return x === undefined ? undefined : check(x);
}
