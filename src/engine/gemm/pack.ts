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

/** Writes B (L × k, row-major) into `dst` as column panels ([panel][l][c]), padding columns with zeros. */
export function packB(dst: Float32Array, b: Float32Array, L: number, k: number): void {
  const { wide, narrow } = columnPanels(k);
  const panel = (start: number, nr: number, at: number) => {
    const cols = Math.min(nr, k - start);
    for (let l = 0; l < L; l++) {
      const row = at + l * nr;
      const from = l * k + start;
      for (let c = 0; c < cols; c++) dst[row + c] = b[from + c];
      for (let c = cols; c < nr; c++) dst[row + c] = 0;
    }
  };
  for (let q = 0; q < wide; q++) panel(q * NR, NR, q * L * NR);
  if (narrow) panel(wide * NR, 4, wide * L * NR);
}

/** Copies the first `k` columns of the padded C (rows × width) into a dense rows × k matrix. */
export function unpackC(c: Float32Array, rows: number, k: number, width: number): Float32Array {
  const out = new Float32Array(rows * k);
  for (let i = 0; i < rows; i++) out.set(c.subarray(i * width, i * width + k), i * k);
  return out;
}
