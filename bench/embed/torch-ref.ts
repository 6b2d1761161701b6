// The PyTorch CPU anchor of the embedding benchmarks (Node and Chromium): torchvision's ResNet-50 or ViT-B/16 with
// random weights, eval mode, the lab's thread count, timed in the same run as the lab.

import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { median, SIZE } from './random-resnet.ts';

export type Arch = 'resnet50' | 'vit_b_16';
export const LABEL: Record<Arch, string> = { resnet50: 'ResNet-50', vit_b_16: 'ViT-B/16' };

const TORCH = `
import sys, time, json, torch, torchvision
batch, rounds, arch = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
torch.set_num_threads(int(sys.argv[4]))
torch.manual_seed(0)
m = getattr(torchvision.models, arch)(weights=None)
if arch == "resnet50": m.fc = torch.nn.Identity()
else: m.heads = torch.nn.Identity()  # class token after the final norm, as the lab's cls feature
m.eval()
x = torch.rand(batch, 3, ${SIZE}, ${SIZE})
with torch.inference_mode():
    t = time.perf_counter(); m(x); first = time.perf_counter() - t
    times = []
    for _ in range(rounds):
        t = time.perf_counter(); m(x); times.append(time.perf_counter() - t)
print(json.dumps({"first": first, "times": times, "torch": torch.__version__}))
`;

/** PyTorch CPU on all cores (as the lab uses them), same model family, batch and size; null without torch. */
export function benchTorch(arch: Arch, batch: number, rounds: number) {
  const threads = os.availableParallelism();
  const r = spawnSync(
    '/usr/bin/python3',
    ['-c', TORCH, String(batch), String(rounds), arch, String(threads)],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) return null;
  const out = JSON.parse(r.stdout) as { first: number; times: number[]; torch: string };
  return { ...out, threads, imgPerS: batch / median(out.times) };
}
