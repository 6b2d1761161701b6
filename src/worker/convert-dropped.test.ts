import { describe, expect, it } from 'vitest';
import { architectureName } from './convert-dropped.ts';

describe('architectureName', () => {
  it("uses torchvision's names for the standard depths and widths", () => {
    const std = { stemWidth: 64, widths: [64, 128, 256, 512] as [number, number, number, number] };
    expect(architectureName({ ...std, block: 'basic', layers: [2, 2, 2, 2], expansion: 1 })).toBe('resnet18');
    expect(architectureName({ ...std, block: 'bottleneck', layers: [3, 4, 6, 3], expansion: 4 })).toBe(
      'resnet50',
    );
    expect(
      architectureName({
        ...std,
        block: 'bottleneck',
        layers: [3, 4, 6, 3],
        widths: [128, 256, 512, 1024],
        expansion: 4,
      }),
    ).toBe('wide_resnet50_2');
  });

  it('describes narrow zoo-style layouts instead of mislabelling them', () => {
    expect(
      architectureName({
        block: 'basic',
        layers: [1, 1, 1, 1],
        stemWidth: 16,
        widths: [16, 32, 64, 128],
        expansion: 1,
      }),
    ).toBe('resnet-basic-1111-w16');
  });
});
