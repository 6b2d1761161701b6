// A 95% interval for Pearson's r by Fisher's z-transform: z = atanh(r) is close to normal with standard
// error 1/√(n−3), so the interval is tanh(z ± 1.96/√(n−3)). It needs at least four points and |r| < 1;
// with few models it is wide, which is the point of showing it.

const Z95 = 1.959963984540054;

export interface CorrelationInterval {
  low: number;
  high: number;
}

/** The interval, or null where it is undefined (n < 4, r not finite, or |r| = 1 exactly). */
export function pearsonInterval95(r: number, n: number): CorrelationInterval | null {
  if (!Number.isFinite(r) || n < 4 || Math.abs(r) >= 1) return null;
  const z = Math.atanh(r);
  const half = Z95 / Math.sqrt(n - 3);
  return { low: Math.tanh(z - half), high: Math.tanh(z + half) };
}

/** Below this many models a correlation says little, whatever its value (the paper used 14). */
export const FEW_MODELS = 5;
