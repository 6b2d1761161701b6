// Host-side layouts for the GEMM kernel (kernel.ts): A in panels of mr rows, B in panels of NR (and one
// final panel of 4) columns, C row-major with its columns padded to whole panels.

import { NR } from './kernel.ts';

/** How the K columns of B and C are cut into panels: `wide` panels of NR, then maybe one narrow panel of 4. */
export interface ColumnPanels {
  wide: number;
  narrow: boolean;
  /** Padded width of C in floats. */
  width: number;
}

export function columnPanels(k: number): ColumnPanels {
  const rest = k % NR;
  const narrow = rest > 0 && rest <= 4;
  const wide = narrow ? Math.floor(k / NR) : Math.ceil(k / NR);
  return { wide, narrow, width: wide * NR + (narrow ? 4 : 0) };
}

export function rowPanels(rows: number, mr: number): number {
  return Math.ceil(rows / mr);
}

/**
 * Writes the rows × cols matrix A into `dst` as panels of `mr` rows, each stored column by column
 * ([panel][l][r]); rows past the end are zero. `src` holds A row-major, or Aᵀ row-major when `transposed`.
 */
export function packA(
  dst: Float32Array,
  src: Float32Array,
  rows: number,
  cols: number,
  mr: number,
  transposed: boolean,
): void {
  dst.fill(0, 0, rowPanels(rows, mr) * mr * cols);
  if (transposed) {
    for (let l = 0; l < cols; l++) {
      const from = l * rows;
      for (let i = 0; i < rows; i++) {
        const p = (i / mr) | 0;
        dst[(p * cols + l) * mr + (i - p * mr)] = src[from + i];
      }
    }
    return;
  }
  for (let i = 0; i < rows; i++) {
    const p = (i / mr) | 0;
    const base = p * cols * mr + (i - p * mr);
    const from = i * cols;
    for (let l = 0; l < cols; l++) dst[base + l * mr] = src[from + l];
  }
}

/**
 * Writes B (L × k, row-major) into `dst` as column panels ([panel][l][c]), padding columns with zeros.
 * Row by row: B is read once, in order (panel by panel it was read 13 times with a 400-byte stride at
 * k = 100, and packing took 9 ms instead of about 3).
 */
export function packB(dst: Float32Array, b: Float32Array, L: number, k: number): void {
  const { wide, narrow } = columnPanels(k);
  const panels = wide + (narrow ? 1 : 0);
  for (let l = 0; l < L; l++) {
    const from = l * k;
    for (let q = 0; q < panels; q++) {
      const nr = q < wide ? NR : 4; // every panel before the narrow one is wide, so it starts at q·L·NR
      const at = q * L * NR + l * nr;
      const start = q * NR;
      const cols = Math.min(nr, k - start);
      for (let c = 0; c < cols; c++) dst[at + c] = b[from + start + c];
      for (let c = cols; c < nr; c++) dst[at + c] = 0;
    }
  }
}

/** Copies the first `k` columns of the padded C (rows × width) into a dense rows × k matrix. */
export function unpackC(c: Float32Array, rows: number, k: number, width: number): Float32Array {
  if (width === k) return c.slice(0, rows * k);
  const out = new Float32Array(rows * k);
  for (let i = 0; i < rows; i++) {
    const from = i * width;
    const to = i * k;
    for (let j = 0; j < k; j++) out[to + j] = c[from + j];
  }
  return out;
}
