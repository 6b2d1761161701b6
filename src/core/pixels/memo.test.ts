import { describe, expect, it } from 'vitest';
import { createPixelMemo } from './memo.ts';

describe('pixel memo', () => {
  it('keeps crops by (rule, key) until the budget is full, then keeps nothing more (no eviction)', () => {
    const memo = createPixelMemo(10);
    expect(memo.put('linear', 'a', new Uint8Array(6).fill(1))).toBe(true);
    expect(memo.put('fewshot', 'a', new Uint8Array(6).fill(2))).toBe(false); // 12 > 10
    expect(memo.put('fewshot', 'b', new Uint8Array(4).fill(3))).toBe(true);
    expect(memo.bytes).toBe(10);
    expect(memo.get('linear', 'a')).toEqual(new Uint8Array(6).fill(1));
    expect(memo.get('fewshot', 'a')).toBeUndefined();
    expect(memo.get('linear', 'b')).toBeUndefined(); // the rule is part of the name
    expect(memo.put('linear', 'a', new Uint8Array(6))).toBe(true); // already kept: no double count
    expect(memo.bytes).toBe(10);
  });

  it('keeps a copy of a view, not the bigger buffer behind it; a zero budget keeps nothing', () => {
    const big = new Uint8Array(1000).map((_, i) => i % 251);
    const memo = createPixelMemo(100);
    memo.put('r', 'k', big.subarray(10, 20));
    const kept = memo.get('r', 'k')!;
    expect(kept.buffer.byteLength).toBe(10);
    expect(Array.from(kept)).toEqual(Array.from(big.subarray(10, 20)));
    expect(createPixelMemo(0).put('r', 'k', new Uint8Array(1))).toBe(false);
    expect(() => createPixelMemo(-1)).toThrow(RangeError);
  });
});
