// exp, log, log1p, log10 and erf that give the same bits on every JavaScript engine: ports of Sun's fdlibm 5.3
// (e_exp.c, e_log.c, s_log1p.c, s_erf.c; the algorithms most C libraries and V8 itself started from), written only
// with +, −, ×, ÷ on doubles and integer bit operations, which ECMAScript defines exactly (IEEE 754
// round-to-nearest, no fused multiply-add contraction). Math.exp and friends are "implementation-
// approximated" in the spec, and they do differ in practice: Node 20 (V8 11.3) and Chromium 156 disagree
// in the last bit for many arguments of exp, log, log1p, log10 and pow (measured, docs/determinism.md), so
// any number of a record that passes through them (the probe's loss, temperature scaling, ECE) would differ
// between the CLI and the browser. Error: below 1 ulp, like fdlibm. Speed: about that of Math.exp.
//
// Anything that ends up in a ResultRecord must use these, never Math.exp/log/log1p/log10/pow/expm1.

// Bit access to one double. Typed arrays use the platform's byte order: find which word is the high one.
const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

function highWord(x: number): number {
  bits[0] = x;
  return words[HI];
}

function lowWord(x: number): number {
  bits[0] = x;
  return words[LO];
}

function withHighWord(x: number, hi: number): number {
  bits[0] = x;
  words[HI] = hi;
  return bits[0];
}

/** The double whose high and low 32-bit words are these (fdlibm's constants are given this way). */
export function fromWords(hi: number, lo: number): number {
  words[HI] = hi | 0;
  words[LO] = lo | 0;
  return bits[0];
}

/** 2^k for integer k in [−1022, 1023], each built from its bits (exact by construction) once, at load. */
const POWERS_OF_TWO = Float64Array.from({ length: 2046 }, (_, i) => {
  bits[0] = 0;
  words[HI] = (i + 1) << 20; // biased exponent i + 1 = k + 1023
  return bits[0];
});

/** 2^k for integer k in [−1022, 1023]: a table read instead of a write and read of the bits (exp about 5% faster). */
function twoTo(k: number): number {
  return POWERS_OF_TWO[k + 1022];
}

const LN2_HI = fromWords(0x3fe62e42, 0xfee00000);
const LN2_LO = fromWords(0x3dea39ef, 0x35793c76);
const TWO54 = fromWords(0x43500000, 0); // 2^54

// e_exp.c (constants as fdlibm gives them, by their bits)
const O_THRESHOLD = fromWords(0x40862e42, 0xfefa39ef);
const U_THRESHOLD = fromWords(0xc0874910, 0xd52d3051);
const INV_LN2 = fromWords(0x3ff71547, 0x652b82fe);
const P1 = fromWords(0x3fc55555, 0x5555553e);
const P2 = fromWords(0xbf66c16c, 0x16bebd93);
const P3 = fromWords(0x3f11566a, 0xaf25de2c);
const P4 = fromWords(0xbebbbd41, 0xc5d26bf1);
const P5 = fromWords(0x3e663769, 0x72bea4d0);

/** exp's constants, for its WebAssembly port (engine/probes/line-rows-wasm.ts), which must use the same. */
export const EXP_CONSTANTS = {
  LN2_HI,
  LN2_LO,
  O_THRESHOLD,
  U_THRESHOLD,
  INV_LN2,
  P: [P1, P2, P3, P4, P5],
} as const;

/** e^x, identical on every engine. */
export function exp(x: number): number {
  let hx = highWord(x);
  const negative = hx < 0;
  hx &= 0x7fffffff;
  if (hx >= 0x40862e42) {
    // |x| ≥ 709.78: NaN, ±Infinity, overflow or underflow.
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | lowWord(x)) !== 0) return x + x;
      return negative ? 0 : x;
    }
    if (x > O_THRESHOLD) return Number.POSITIVE_INFINITY;
    if (x < U_THRESHOLD) return 0;
  }
  let k = 0;
  let hi = 0;
  let lo = 0;
  if (hx > 0x3fd62e42) {
    // |x| > ln2 / 2: x = k·ln2 + r with |r| ≤ ln2 / 2, r = hi − lo.
    if (hx < 0x3ff0a2b2) {
      hi = negative ? x + LN2_HI : x - LN2_HI;
      lo = negative ? -LN2_LO : LN2_LO;
      k = negative ? -1 : 1;
    } else {
      k = Math.trunc(INV_LN2 * x + (negative ? -0.5 : 0.5));
      hi = x - k * LN2_HI; // exact: LN2_HI has 32 trailing zero bits
      lo = k * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    return 1 + x; // |x| < 2^−28
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - (lo - (x * c) / (2 - c) - hi);
  // y · 2^k, exact while the result is normal; the last product rounds a subnormal result once.
  if (k >= -1021) return k === 1024 ? y * 2 * twoTo(1023) : y * twoTo(k);
  return y * twoTo(k + 1000) * twoTo(-1000);
}

// e_log.c and s_log1p.c share the polynomial.
const LG1 = fromWords(0x3fe55555, 0x55555593);
const LG2 = fromWords(0x3fd99999, 0x9997fa04);
const LG3 = fromWords(0x3fd24924, 0x94229359);
const LG4 = fromWords(0x3fcc71c5, 0x1d8e78af);
const LG5 = fromWords(0x3fc74664, 0x96cb03de);
const LG6 = fromWords(0x3fc39a09, 0xd078c69f);
const LG7 = fromWords(0x3fc2f112, 0xdf3e5244);

/** Natural logarithm, identical on every engine. */
export function log(x: number): number {
  let hx = highWord(x);
  let k = 0;
  if (hx < 0x00100000) {
    // x < 2^−1022: zero, negative or subnormal.
    if (((hx & 0x7fffffff) | lowWord(x)) === 0) return Number.NEGATIVE_INFINITY;
    if (hx < 0) return Number.NaN;
    k -= 54;
    x *= TWO54;
    hx = highWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  x = withHighWord(x, hx | (i ^ 0x3ff00000)); // x or x/2 in [sqrt(2)/2, sqrt(2))
  k += i >> 20;
  const f = x - 1;
  const dk = k;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^−20
    if (f === 0) return k === 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const R = f * f * (0.5 - (1 / 3) * f);
    return k === 0 ? f - R : dk * LN2_HI - (R - dk * LN2_LO - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    if (k === 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
  }
  if (k === 0) return f - s * (f - R);
  return dk * LN2_HI - (s * (f - R) - dk * LN2_LO - f);
}

/** log(1 + x), accurate for small x, identical on every engine. */
export function log1p(x: number): number {
  const hx = highWord(x);
  const ax = hx & 0x7fffffff;
  let k = 1;
  let f = 0;
  let hu = 0;
  let c = 0;
  if (hx < 0x3fda827a) {
    // x < 0.41422
    if (ax >= 0x3ff00000) return x === -1 ? Number.NEGATIVE_INFINITY : Number.NaN; // x ≤ −1
    if (ax < 0x3e200000) return ax < 0x3c900000 ? x : x - x * x * 0.5; // |x| < 2^−29
    if (hx > 0 || hx <= (0xbfd2bec3 | 0)) {
      // −0.2929 < x < 0.41422
      k = 0;
      f = x;
      hu = 1;
    }
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k !== 0) {
    let u: number;
    if (hx < 0x43400000) {
      u = 1 + x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = k > 0 ? 1 - (u - x) : x - (u - 1); // the rounding error of 1 + x
      c /= u;
    } else {
      u = x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) {
      u = withHighWord(u, hu | 0x3ff00000);
    } else {
      k += 1;
      u = withHighWord(u, hu | 0x3fe00000);
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1;
  }
  const hfsq = 0.5 * f * f;
  if (hu === 0) {
    // |f| < 2^−20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + (c + k * LN2_LO);
    const R = hfsq * (1 - (2 / 3) * f);
    return k === 0 ? f - R : k * LN2_HI - (R - (k * LN2_LO + c) - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const R = z * (LG1 + z * (LG2 + z * (LG3 + z * (LG4 + z * (LG5 + z * (LG6 + z * LG7))))));
  if (k === 0) return f - (hfsq - s * (hfsq + R));
  return k * LN2_HI - (hfsq - (s * (hfsq + R) + (k * LN2_LO + c)) - f);
}

/** log10(x) = log(x)/ln 10 (within 2 ulp), identical on every engine. */
export function log10(x: number): number {
  return log(x) * Math.LOG10E;
}

/** 10^x (within a few ulp for |x| ≤ 10, plenty for float32 results), identical on every engine. */
export function pow10(x: number): number {
  return exp(x * Math.LN10);
}

// s_erf.c: erf on five ranges, each a rational approximation (constants by their bits, as fdlibm gives them).
const ERX = fromWords(0x3feb0ac1, 0x60000000);
const EFX = fromWords(0x3fc06eba, 0x8214db69);
const EFX8 = fromWords(0x3ff06eba, 0x8214db69);
/** Reads fdlibm's constants given as (high word, low word) pairs. */
function doubles(pairs: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < pairs.length; i += 2) out.push(fromWords(pairs[i], pairs[i + 1]));
  return out;
}
const PP = doubles([
  0x3fc06eba, 0x8214db68, 0xbfd4cd7d, 0x691cb913, 0xbf9d2a51, 0xdbd7194f, 0xbf77a291, 0x236668e4, 0xbef8ead6,
  0x120016ac,
]);
const QQ = doubles([
  0x3fd97779, 0xcddadc09, 0x3fb0a54c, 0x5536ceba, 0x3f74d022, 0xc4d36b0f, 0x3f215dc9, 0x221c1a10, 0xbed09c43,
  0x42a26120,
]);
const PA = doubles([
  0xbf6359b8, 0xbef77538, 0x3fda8d00, 0xad92b34d, 0xbfd7d240, 0xfbb8c3f1, 0x3fd45fca, 0x805120e4, 0xbfbc6398,
  0x3d3e28ec, 0x3fa22a36, 0x599795eb, 0xbf61bf38, 0x0a96073f,
]);
const QA = doubles([
  0x3fbb3e66, 0x18eee323, 0x3fe14af0, 0x92eb6f33, 0x3fb2635c, 0xd99fe9a7, 0x3fc02660, 0xe763351f, 0x3f8bedc2,
  0x6b51dd1c, 0x3f888b54, 0x5735151d,
]);
const RA = doubles([
  0xbf843412, 0x600d6435, 0xbfe63416, 0xe4ba7360, 0xc0251e04, 0x41b0e726, 0xc04f300a, 0xe4cba38d, 0xc0644cb1,
  0x84282266, 0xc067135c, 0xebccabb2, 0xc0545265, 0x57e4d2f2, 0xc023a0ef, 0xc69ac25c,
]);
const SA = doubles([
  0x4033a6b9, 0xbd707687, 0x4061350c, 0x526ae721, 0x407b290d, 0xd58a1a71, 0x40842b19, 0x21ec2868, 0x407ad021,
  0x57700314, 0x405b28a3, 0xee48ae2c, 0x401a47ef, 0x8e484a93, 0xbfaeeff2, 0xee749a62,
]);
const RB = doubles([
  0xbf843412, 0x39e86f4a, 0xbfe993ba, 0x70c285de, 0xc031c209, 0x555f995a, 0xc064145d, 0x43c5ed98, 0xc083ec88,
  0x1375f228, 0xc0900461, 0x6a2e5992, 0xc07e384e, 0x9bdc383f,
]);
const SB = doubles([
  0x403e568b, 0x261d5190, 0x40745cae, 0x221b9f0a, 0x409802eb, 0x189d5118, 0x40a8ffb7, 0x688c246a, 0x40a3f219,
  0xcedf3be6, 0x407da874, 0xe79fe763, 0xc03670e2, 0x42712d62,
]);
const TINY = 1e-300;

// The polynomials written out (not looped over arrays): GELU calls erf millions of times per image.
const [PP0, PP1, PP2, PP3, PP4] = PP;
const [QQ1, QQ2, QQ3, QQ4, QQ5] = QQ;
const [PA0, PA1, PA2, PA3, PA4, PA5, PA6] = PA;
const [QA1, QA2, QA3, QA4, QA5, QA6] = QA;
const [RA0, RA1, RA2, RA3, RA4, RA5, RA6, RA7] = RA;
const [SA1, SA2, SA3, SA4, SA5, SA6, SA7, SA8] = SA;
const [RB0, RB1, RB2, RB3, RB4, RB5, RB6] = RB;
const [SB1, SB2, SB3, SB4, SB5, SB6, SB7] = SB;

/** The error function erf(x), identical on every engine (GELU's exact form needs it). */
export function erf(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) return (hx < 0 ? -1 : 1) + 1 / x; // NaN stays NaN, ±∞ → ±1
  if (ix < 0x3feb0000) {
    // |x| < 0.84375
    if (ix < 0x3e300000) {
      // |x| < 2^-28
      if (ix < 0x00800000) return 0.125 * (8 * x + EFX8 * x); // avoids underflow
      return x + EFX * x;
    }
    const z = x * x;
    const r = PP0 + z * (PP1 + z * (PP2 + z * (PP3 + z * PP4)));
    const s = 1 + z * (QQ1 + z * (QQ2 + z * (QQ3 + z * (QQ4 + z * QQ5))));
    return x + x * (r / s);
  }
  if (ix < 0x3ff40000) {
    // 0.84375 ≤ |x| < 1.25
    const s = Math.abs(x) - 1;
    const P = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
    const Q = 1 + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
    return hx >= 0 ? ERX + P / Q : -ERX - P / Q;
  }
  if (ix >= 0x40180000) return hx >= 0 ? 1 - TINY : TINY - 1; // |x| ≥ 6
  const ax = Math.abs(x);
  const s = 1 / (ax * ax);
  let R: number;
  let S: number;
  if (ix < 0x4006db6e) {
    // |x| < 1/0.35
    R = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
    S = 1 + s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
  } else {
    R = RB0 + s * (RB1 + s * (RB2 + s * (RB3 + s * (RB4 + s * (RB5 + s * RB6)))));
    S = 1 + s * (SB1 + s * (SB2 + s * (SB3 + s * (SB4 + s * (SB5 + s * (SB6 + s * SB7))))));
  }
  const z = withLowWordZero(ax);
  const r = exp(-z * z - 0.5625) * exp((z - ax) * (z + ax) + R / S);
  return hx >= 0 ? 1 - r / ax : r / ax - 1;
}

function withLowWordZero(x: number): number {
  bits[0] = x;
  words[LO] = 0;
  return bits[0];
}
