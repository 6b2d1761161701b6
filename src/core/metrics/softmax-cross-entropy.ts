// The data term of multinomial logistic regression on the host, in float64: Σᵢ CE(zᵢ, yᵢ) and its gradient
// with respect to the logits, softmax(z) − onehot(y). The probe solver computes the logits on the device
// (one matMul per search direction) and this, the cheap n × K part, here, where float64 keeps differences of
// f along a line search exact enough for the Moré–Thuente conditions even when f is 10⁴ and a step lowers
// it by 10⁻⁶.

/**
 * Writes softmax(zᵢ) − onehot(yᵢ) into `residual` (n × k row-major) and returns Σᵢ CE(zᵢ, yᵢ).
 * When yᵢ is the arg-max, CE = log1p(Σ_{j≠y} e_j) and p_y − 1 = −Σ_{j≠y} e_j / S (e_j = exp(z_j − max z)),
 * which keep their relative precision when the fit is confident (CE ≈ 1e-12), where lse − z_y would not.
 */
export function softmaxCrossEntropy(
  z: Float64Array,
  labels: Int32Array,
  k: number,
  residual: Float32Array,
): number {
  const n = labels.length;
  if (z.length < n * k || residual.length < n * k) throw new RangeError('logits/residual shorter than n × k');
  const e = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const row = i * k;
    const y = labels[i];
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) max = Math.max(max, z[row + c]);
    let sum = 0;
    let others = 0;
    for (let c = 0; c < k; c++) {
      e[c] = Math.exp(z[row + c] - max);
      sum += e[c];
      if (c !== y) others += e[c];
    }
    const zy = z[row + y];
    total += zy >= max ? Math.log1p(others) : max - zy + Math.log(sum);
    for (let c = 0; c < k; c++) residual[row + c] = e[c] / sum;
    residual[row + y] = -others / sum;
  }
  return total;
}
