import { describe, expect, it } from 'vitest';
import { printable } from './printable.ts';

describe('printable', () => {
  it('escapes control characters, bidi overrides and line breaks', () => {
    expect(printable('a\u001b[31mb\nc\u202ed\u0000')).toBe('a\\x1b[31mb\\nc\\u202ed\\x00');
  });

  it('caps long text and says how much was left out', () => {
    const text = printable('x'.repeat(20_000_000), 10);
    expect(text).toBe(`${'x'.repeat(10)}…(+19999990 chars)`);
  });

  it('never cuts a surrogate pair in half', () => {
    expect(printable(`abc${'😀'.repeat(5)}`, 4)).toBe('abc…(+10 chars)');
  });
});
