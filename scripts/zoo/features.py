#!/usr/bin/python3
"""Reference features of a zoo checkpoint, computed by PyTorch, for checking the lab's converted model.

Writes into --out: pixels.f32 (N×size×size×3 float32 in [0,1], NHWC: exactly what the lab's Backbone.embed
takes), features.f32 (N×D float32, eval-mode BN) and meta.json. The pixels are the first N Fashion-MNIST
t10k images, bicubic-resized to the model's input size and repeated to 3 channels.

    /usr/bin/python3 scripts/zoo/features.py --pth .cache/zoo/zoo-simclr-r10n.pth --out /tmp/ref --mean 0.286 --std 0.353
"""

import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train import FASHION_DIR, NarrowResNet, read_idx, to_rgb  # noqa: E402


def widths_of(state):
    """Stage widths from the weights (each stage's first conv), as the lab infers them."""
    return [state[f'layer{i}.0.conv1.weight'].shape[0] for i in range(1, 5)]


def load_zoo_backbone(path):
    state = torch.load(path, map_location='cpu')
    model = NarrowResNet(widths_of(state))
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or [k for k in missing if not k.startswith('fc.')]:
        raise ValueError(f'{path}: missing {missing}, unexpected {unexpected}')
    return model.eval()


def test_pixels(n, size):
    images = read_idx(os.path.join(FASHION_DIR, 't10k-images-idx3-ubyte.gz'))[:n]
    x = images.float().div(255).unsqueeze(1)
    return F.interpolate(x, size=(size, size), mode='bicubic', align_corners=False).clamp(0, 1)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--pth', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--n', type=int, default=8)
    p.add_argument('--size', type=int, default=32)
    p.add_argument('--mean', type=float, required=True)
    p.add_argument('--std', type=float, required=True)
    args = p.parse_args()
    torch.set_num_threads(1)
    model = load_zoo_backbone(args.pth)
    grey = test_pixels(args.n, args.size)
    with torch.no_grad():
        features = model.features(to_rgb(grey, args.mean, args.std))
    os.makedirs(args.out, exist_ok=True)
    nhwc = grey.expand(-1, 3, -1, -1).permute(0, 2, 3, 1).contiguous()
    nhwc.numpy().astype('float32').tofile(os.path.join(args.out, 'pixels.f32'))
    features.numpy().astype('float32').tofile(os.path.join(args.out, 'features.f32'))
    with open(os.path.join(args.out, 'meta.json'), 'w') as f:
        json.dump({'n': args.n, 'size': args.size, 'dim': features.shape[1]}, f)
    print(f'{args.out}: {args.n} images → {features.shape[1]}-d features')


if __name__ == '__main__':
    main()
