// Paired significance tests between models measured on the same test images or episodes.
export * from './bootstrap.ts';
export * from './compare.ts';
export * from './holm.ts';
export * from './mcnemar.ts';
export * from './paired-t.ts';
export * from './special.ts';
