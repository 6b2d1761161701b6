// A checkpoint, once read, is a flat map of named tensors in PyTorch's layout (NCHW / OIHW).

export type DType =
  | 'float32'
  | 'float16'
  | 'float64'
  | 'int64'
  | 'int32'
  | 'uint8'
  | 'int8'
  | 'bool'
  | 'bfloat16';

export interface TensorEntry {
  shape: number[];
  /** Values converted to float32 (integers too), row-major, contiguous. */
  data: Float32Array;
  /** The dtype the checkpoint stored. */
  dtype: DType;
}

export type StateDict = Map<string, TensorEntry>;
