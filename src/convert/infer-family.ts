// The pre-training family of a converted checkpoint when the user did not type one: from the file name
// first (release files are named after their method: moco_v2_800ep_pretrain.pth.tar, dino_resnet50_pretrain
// .pth, swav_800ep_pretrain.pth.tar), then from the layout the search found (MoCo's encoder_q, BYOL's Haiku
// tree, SimCLR-v2's names, DINO's teacher, VISSL's trunk, MoCo v3's base_encoder). Says where it came from.

export interface InferredFamily {
  family: string;
  /** Why: 'file name', 'layout (…)', or why nothing could be inferred. */
  from: string;
}

/** What the search found, as far as the family is concerned (a ConvertReport satisfies it). */
export interface LayoutEvidence {
  container: string;
  prefix: string;
  naming: string;
  profile: string;
}

// Specific names before the names they contain (dinov2 before dino, moco v3 before moco).
const FILE_NAME_RULES: ReadonlyArray<[RegExp, string]> = [
  [/dino_?v2/, 'dinov2'],
  [/dino/, 'dino'],
  [/ibot/, 'ibot'],
  [/moco[_-]?v3/, 'moco-v3'],
  [/moco[_-]?v2/, 'moco-v2'],
  [/moco[_-]?v1/, 'moco-v1'],
  [/moco/, 'moco'],
  [/simclr[_-]?v2|r50_1x_sk|r152_3x_sk/, 'simclr-v2'],
  [/simclr/, 'simclr'],
  [/byol/, 'byol'],
  [/swav/, 'swav'],
  [/deepcluster/, 'deepcluster-v2'],
  [/sela/, 'sela-v2'],
  [/pirl/, 'pirl'],
  [/insdis/, 'insdis'],
  [/infomin/, 'infomin'],
  [/pcl[_-]?v2/, 'pcl-v2'],
  [/pcl/, 'pcl'],
  [/barlow/, 'barlow-twins'],
  [/vicreg/, 'vicreg'],
  [/simsiam/, 'simsiam'],
  [/(^|[^a-z])mae([^a-z]|$)/, 'mae'],
  [/(^|[^a-z])clip([^a-z]|$)/, 'clip'],
  [/deit/, 'deit'],
  [/supervised/, 'supervised'],
];

/** Layouts that only one family writes. */
function fromLayout(e: LayoutEvidence): string | null {
  if (e.naming === 'haiku') return 'byol';
  if (e.naming === 'simclr-v2') return 'simclr-v2';
  if (e.profile === 'moco') return 'moco';
  if (e.profile === 'pycontrast') return 'pycontrast';
  if (/base_encoder/.test(e.prefix)) return 'moco-v3';
  if (/classy_state_dict/.test(e.container) || e.prefix === '_feature_blocks.') return 'vissl';
  if (/^(teacher|student)$/.test(e.container)) return 'dino';
  // A named profile (torchvision, swav) is what the converter always recorded; better than nothing.
  return e.profile !== 'auto' ? e.profile : null;
}

export function inferFamily(fileName: string, layout: LayoutEvidence): InferredFamily {
  const name = fileName.toLowerCase().replace(/^.*[\\/]/, '');
  const byName = FILE_NAME_RULES.find(([re]) => re.test(name));
  if (byName) return { family: byName[1], from: 'file name' };
  const byLayout = fromLayout(layout);
  if (byLayout) {
    const where = `${layout.container} › ${layout.prefix || '(no prefix)'}`;
    return { family: byLayout, from: `layout (${where})` };
  }
  return {
    family: 'unlabelled',
    from: 'neither the file name nor the layout names a method; type the family to record it',
  };
}
