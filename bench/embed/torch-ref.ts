// The PyTorch CPU anchor of the embedding benchmarks (Node and Chromium): torchvision's ResNet-50 or ViT-B/16 with
// random weights, eval mode, the lab's thread count. It runs as one persistent process so that its batches can
// be timed in blocks interleaved with the lab's: on this shared 2-core VM the speed of memory-bound code swings
// by ±30% over tens of seconds, so the ratio is only meaningful between batches timed side by side.

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import os from 'node:os';
import { createInterface, type Interface } from 'node:readline';
import { median, SIZE } from './random-resnet.ts';

export type Arch = 'resnet50' | 'vit_b_16';
export const LABEL: Record<Arch, string> = { resnet50: 'ResNet-50', vit_b_16: 'ViT-B/16' };

const TORCH = `
import sys, time, json, torch, torchvision
batch, arch = int(sys.argv[1]), sys.argv[2]
torch.set_num_threads(int(sys.argv[3]))
torch.manual_seed(0)
m = getattr(torchvision.models, arch)(weights=None)
if arch == "resnet50": m.fc = torch.nn.Identity()
else: m.heads = torch.nn.Identity()  # class token after the final norm, as the lab's cls feature
m.eval()
x = torch.rand(batch, 3, ${SIZE}, ${SIZE})
with torch.inference_mode():
    t = time.perf_counter(); m(x); first = time.perf_counter() - t
    print(json.dumps({"first": first, "torch": torch.__version__}), flush=True)
    for line in sys.stdin:
        times = []
        for _ in range(int(line)):
            t = time.perf_counter(); m(x); times.append(time.perf_counter() - t)
        print(json.dumps({"times": times}), flush=True)
`;

/** PyTorch CPU on all cores (as the lab uses them), same model family, batch and size, kept warm between blocks. */
export class TorchAnchor {
  readonly threads = os.availableParallelism();
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterator<string>,
    private readonly reader: Interface,
    readonly version: string,
    readonly first: number,
  ) {}

  /** The warm model, or null where /usr/bin/python3 cannot import torch. */
  static async start(arch: Arch, batch: number): Promise<TorchAnchor | null> {
    const threads = os.availableParallelism();
    const child = spawn('/usr/bin/python3', ['-c', TORCH, String(batch), arch, String(threads)]);
    child.stderr.resume();
    const reader = createInterface({ input: child.stdout });
    const lines = reader[Symbol.asyncIterator]();
    const ready = await lines.next().catch(() => ({ done: true, value: '' }));
    if (ready.done) {
      child.kill();
      return null;
    }
    const head = JSON.parse(ready.value) as { first: number; torch: string };
    return new TorchAnchor(child, lines, reader, head.torch, head.first);
  }

  /** Seconds per batch for `rounds` batches. */
  async time(rounds: number): Promise<number[]> {
    this.child.stdin.write(`${rounds}\n`);
    const line = await this.lines.next();
    if (line.done) throw new Error('the PyTorch process ended');
    return (JSON.parse(line.value) as { times: number[] }).times;
  }

  close(): void {
    this.reader.close();
    this.child.stdin.end();
    this.child.kill();
  }
}

/** Blocks of lab batches and PyTorch batches, alternated: img/s of each (median batch) and their ratio. */
export interface SideBySide {
  lab: number[];
  torch: number[];
  labImgPerS: number;
  torchImgPerS: number;
  /** lab / PyTorch img/s, from the medians of all batches. */
  ratio: number;
  /** The same ratio within each block. */
  blockRatios: number[];
}

export async function sideBySide(
  timeLab: (rounds: number) => Promise<number[]>,
  torch: TorchAnchor,
  batch: number,
  rounds: number,
  blocks: number,
): Promise<SideBySide> {
  const lab: number[] = [];
  const ref: number[] = [];
  const blockRatios: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const l = await timeLab(rounds);
    const t = await torch.time(rounds);
    lab.push(...l);
    ref.push(...t);
    blockRatios.push(median(t) / median(l));
  }
  const labImgPerS = batch / median(lab);
  const torchImgPerS = batch / median(ref);
  return { lab, torch: ref, labImgPerS, torchImgPerS, ratio: labImgPerS / torchImgPerS, blockRatios };
}
