import { describe, expect, it } from 'vitest';
import { diffusionValuesChart, saliencyOverlayChart } from './specs-diffusion.ts';

describe('attentive diffusion chart specs', () => {
  const map = Float32Array.from([0.1, 0.2, 0.3, 0.6]);
  const image = { data: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]), width: 2, height: 2 };

  it('draws the map over the image, rows top to bottom, with the mean as a contour', () => {
    const spec = saliencyOverlayChart({ label: 'a<b> · x%.png', map, diffusion: 25, image });
    expect(spec.data.map((t) => t.type)).toEqual(['image', 'heatmap', 'contour']);
    expect(spec.data[0].z).toEqual([
      [
        [255, 0, 0],
        [0, 255, 0],
      ],
      [
        [0, 0, 255],
        [9, 9, 9],
      ],
    ]);
    expect(spec.data[1].z).toEqual([
      [0.1, 0.2],
      [0.3, 0.6],
    ]);
    expect(spec.data[2].contours).toMatchObject({ start: 0.3, end: 0.3 });
    const title = (spec.layout.title as { text: string }).text;
    expect(title).toContain('a&lt;b&gt; · x&#37;.png');
    expect(title).toContain('diffusion 25.0 %');
    expect((spec.layout.yaxis as { range: number[] }).range).toEqual([1.5, -0.5]);
  });

  it('the map alone without an image; a non-square map or a mismatched image is refused', () => {
    expect(saliencyOverlayChart({ label: 'm', map, diffusion: 25 }).data.map((t) => t.type)).toEqual([
      'heatmap',
      'contour',
    ]);
    expect(() => saliencyOverlayChart({ label: 'm', map: [1, 2, 3], diffusion: 0 })).toThrow(/square/);
    expect(() =>
      saliencyOverlayChart({ label: 'm', map, diffusion: 0, image: { ...image, width: 3 } }),
    ).toThrow(/under a 2×2 map/);
  });

  it('values: a bar per model with its interval, a point per image', () => {
    const perImage = [
      { key: 'a', map, diffusion: 40 },
      { key: 'b', map, diffusion: 50 },
    ];
    const spec = diffusionValuesChart([
      { label: 'sup', result: { mean: 45, ci95: 63.5, perImage } },
      { label: 'one', result: { mean: 40, ci95: null, perImage: perImage.slice(0, 1) } },
    ]);
    expect(spec.data[0]).toMatchObject({ x: ['sup', 'one'], y: [45, 40] });
    expect((spec.data[0].error_y as { array: unknown[] }).array).toEqual([63.5, null]);
    expect(spec.data[1]).toMatchObject({ x: ['sup', 'sup', 'one'], y: [40, 50, 40] });
  });
});
