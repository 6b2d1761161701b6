import { describe, expect, it } from 'vitest';
import { defaultDemo, parseCatalog, parseDemoIndex } from './catalog.ts';

describe('parseCatalog', () => {
  it('reads the embedded ids and the upstream models', () => {
    const c = parseCatalog({
      embedded: ['zoo-simclr', 'zoo-supervised', 3],
      imported: ['nsfwjs-inceptionv3', null],
      models: [
        { id: 'simclr-v1', name: 'SimCLR-v1', family: 'simclr', imagenetTop1: 69.1 },
        { id: 'odd', imagenetTop1: 'high' },
        { name: 'no id' },
      ],
    });
    expect(c).toEqual({
      embedded: ['zoo-simclr', 'zoo-supervised'],
      imported: ['nsfwjs-inceptionv3'],
      upstream: [
        { id: 'simclr-v1', name: 'SimCLR-v1', family: 'simclr', imagenetTop1: 69.1 },
        { id: 'odd', name: 'odd', family: '', imagenetTop1: null },
      ],
    });
  });

  it('names the file when it is not a catalog', () => {
    expect(() => parseCatalog({ models: [] })).toThrow(/models\/catalog\.json.*"embedded"/);
  });
});

describe('demo index', () => {
  it('reads entries and picks the default one', () => {
    const demos = parseDemoIndex([
      { name: 'digits', path: 'digits', description: 'd', licence: 'BSD-3', source: 'sklearn' },
      {
        name: 'fashion',
        path: 'fashion-mnist',
        description: 'f',
        licence: 'MIT',
        source: 'debian',
        default: true,
      },
    ]);
    expect(demos.map((d) => d.path)).toEqual(['digits', 'fashion-mnist']);
    expect(defaultDemo(demos)?.name).toBe('fashion');
    expect(defaultDemo(demos.slice(0, 1))?.name).toBe('digits');
    expect(defaultDemo([])).toBeNull();
  });

  it('refuses something that is not a list', () => {
    expect(() => parseDemoIndex({ files: [] })).toThrow(/datasets\/index\.json/);
  });
});
