// ImageNet accuracy vs transfer: correlation series from records, and the paper's own for comparison.

export * from './paper.ts';
export * from './view.ts';
