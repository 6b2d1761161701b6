#!/usr/bin/python3
"""A small folder of real colour photos for tests: seeded crops of the two CC-BY-2.0 Flickr photos that
Debian's python3-sklearn ships (sklearn/datasets/images/china.jpg and flower.jpg), one class per photo.
Generated into .cache/ at test time, never committed (see DATASETS.md for the photos' licence).

Usage: /usr/bin/python3 scripts/datasets/photo_crops.py OUT_DIR [PER_CLASS]
"""

import os
import random
import sys

import sklearn
from PIL import Image

PHOTOS = os.path.join(os.path.dirname(sklearn.__file__), 'datasets', 'images')


def main(out, per_class):
    rng = random.Random(0)
    for name in ('china', 'flower'):
        photo = Image.open(os.path.join(PHOTOS, f'{name}.jpg')).convert('RGB')
        w, h = photo.size
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        for i in range(per_class):
            side = rng.randint(min(w, h) // 4, min(w, h) // 2)
            x, y = rng.randint(0, w - side), rng.randint(0, h - side)
            crop = photo.crop((x, y, x + side, y + side)).resize((96, 96), Image.BICUBIC)
            crop.save(os.path.join(folder, f'{i:03d}.jpg'), quality=90)


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 16)
