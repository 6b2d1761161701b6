#!/usr/bin/python3
"""First transfer numbers for docs/zoo.md, computed with PyTorch + scikit-learn (not with the lab itself).

For every zoo checkpoint and every demo dataset under public/datasets/: features with the card's linear
preprocessing (PIL: RGB, shorter side → input size bicubic, centre crop, [0,1], mean/std), then
- linear probe: multinomial L2 logistic regression (L-BFGS, converged, intercept not penalised); C chosen on
  a seeded 20% of train over a coarse version of the protocol's grid (wd = logspace(-6, 5, 12), C = 1/wd),
  refit on all of train, top-1 accuracy on test;
- few-shot: 5-way (4-way on 4 classes) 5-shot prototypes (15 queries per class, 200 seeded episodes, the few-shot preprocessing:
  squash to round(size·257/224) bilinear + centre crop), mean accuracy ± 1.96σ/√episodes.

    nice -n 10 /usr/bin/python3 scripts/zoo/probe.py --zoo .cache/zoo --datasets public/datasets > .cache/zoo/probe.md
"""

import argparse
import glob
import json
import os
import sys
import warnings

import numpy as np
import torch
from PIL import Image
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from features import load_zoo_backbone  # noqa: E402


def shorter_side_crop(image, size):
    w, h = image.size
    scale = size / min(w, h)
    image = image.resize((max(size, round(w * scale)), max(size, round(h * scale))), Image.BICUBIC)
    left, top = (image.width - size) // 2, (image.height - size) // 2
    return image.crop((left, top, left + size, top + size))


def squash_crop(image, size):
    resize = round(size * 257 / 224)
    image = image.resize((resize, resize), Image.BILINEAR)
    offset = (resize - size) // 2
    return image.crop((offset, offset, offset + size, offset + size))


def load_split(root, split, size, preprocess):
    paths = sorted(glob.glob(os.path.join(root, split, '*', '*.png')))
    classes = sorted({os.path.basename(os.path.dirname(p)) for p in paths})
    pixels = np.stack(
        [np.asarray(preprocess(Image.open(p).convert('RGB'), size), dtype=np.float32) / 255 for p in paths]
    )
    labels = np.array([classes.index(os.path.basename(os.path.dirname(p))) for p in paths])
    return pixels, labels


def embed(model, pixels, mean, std):
    x = torch.from_numpy(pixels).permute(0, 3, 1, 2)
    with torch.no_grad():
        return torch.cat([model.features((b - mean) / std) for b in x.split(256)]).numpy()


def linear_probe(train_x, train_y, test_x, test_y, seed=0):
    order = np.random.default_rng(seed).permutation(len(train_y))
    n_val = len(order) // 5
    val, fit = order[:n_val], order[n_val:]
    best_c, best_acc = None, -1.0
    for wd in np.logspace(-6, 5, 12):
        c = 1 / wd
        clf = LogisticRegression(C=c, max_iter=1000, tol=1e-6).fit(train_x[fit], train_y[fit])
        acc = clf.score(train_x[val], train_y[val])
        if acc > best_acc:
            best_c, best_acc = c, acc
    clf = LogisticRegression(C=best_c, max_iter=1000, tol=1e-6).fit(train_x, train_y)
    return 100 * clf.score(test_x, test_y), best_c


def few_shot(x, y, ways=5, shots=5, queries=15, episodes=200, seed=0):
    rng = np.random.default_rng(seed)
    pools = [np.flatnonzero(y == c) for c in np.unique(y)]
    pools = [p for p in pools if len(p) >= shots + queries]
    ways = min(ways, len(pools))  # clipart has 4 classes: 4-way there
    accs = []
    for _ in range(episodes):
        chosen = rng.choice(len(pools), ways, replace=False)
        picks = [rng.choice(pools[c], shots + queries, replace=False) for c in chosen]
        protos = np.stack([x[p[:shots]].mean(0) for p in picks])
        qx = np.concatenate([x[p[shots:]] for p in picks])
        qy = np.repeat(np.arange(ways), queries)
        d = ((qx[:, None, :] - protos[None]) ** 2).sum(-1)
        accs.append((d.argmin(1) == qy).mean())
    accs = np.array(accs) * 100
    return accs.mean(), 1.96 * accs.std() / np.sqrt(episodes)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--zoo', default='.cache/zoo')
    p.add_argument('--datasets', default='public/datasets')
    args = p.parse_args()
    torch.set_num_threads(1)
    # The largest C values of the grid stop at max_iter; their fits are still scored, as in the protocol.
    warnings.filterwarnings('ignore', module='sklearn')
    with open(os.path.join(args.zoo, 'train-log.json')) as f:
        log = json.load(f)
    with open(os.path.join(args.datasets, 'index.json')) as f:
        sets = [d['name'] for d in json.load(f)]
    rows = []
    for model_id, entry in log.items():
        model = load_zoo_backbone(os.path.join(args.zoo, f'{model_id}.pth'))
        size, mean, std = entry['inputSize'], entry['mean'], entry['std']
        for name in sets:
            root = os.path.join(args.datasets, name)
            feats = {}
            for split in ('train', 'test'):
                pixels, labels = load_split(root, split, size, shorter_side_crop)
                feats[split] = (embed(model, pixels, mean, std), labels)
            acc, c = linear_probe(*feats['train'], *feats['test'])
            fs_pixels = [load_split(root, s, size, squash_crop) for s in ('train', 'test')]
            fs_x = np.concatenate([embed(model, px, mean, std) for px, _ in fs_pixels])
            fs_y = np.concatenate([lab for _, lab in fs_pixels])
            fs_mean, fs_ci = few_shot(fs_x, fs_y)
            rows.append((name, model_id, acc, c, fs_mean, fs_ci))
            print(f'{name} {model_id}: linear {acc:.1f} (C={c:.3g}), 5-way 5-shot {fs_mean:.1f} ± {fs_ci:.1f}', file=sys.stderr)
    print('| dataset | model | linear top-1 (%) | chosen C | 5-way 5-shot (%) |')
    print('|---|---|---:|---:|---:|')
    for name, model_id, acc, c, fs_mean, fs_ci in sorted(rows):
        print(f'| {name} | {model_id} | {acc:.1f} | {c:.3g} | {fs_mean:.1f} ± {fs_ci:.1f} |')


if __name__ == '__main__':
    main()
