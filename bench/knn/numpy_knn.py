#!/usr/bin/python3
"""numpy brute-force DINO kNN (the speed reference of bench/knn): float32 normalisation and similarities
(one BLAS product per chunk of test rows, as eval_knn.py's torch.mm), top-k by argpartition, exp(sim/T)
weighted vote. Prints seconds and the top-1 accuracy per k as JSON.

Usage: numpy_knn.py DIR --k 10,20,100,200 --temperature 0.07
"""

import argparse
import json
import os
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--k", default="10,20,100,200")
    ap.add_argument("--temperature", type=float, default=0.07)
    ap.add_argument("--chunk", type=int, default=256)
    a = ap.parse_args()
    ks = sorted(int(k) for k in a.k.split(","))
    load = lambda n: np.load(os.path.join(a.dir, n))
    Xtr, ytr, Xte, yte = load("train_X.npy"), load("train_y.npy"), load("test_X.npy"), load("test_y.npy")
    n_classes = int(max(ytr.max(), yte.max())) + 1
    t0 = time.perf_counter()
    tr = Xtr / np.maximum(np.linalg.norm(Xtr, axis=1, keepdims=True), 1e-12)
    te = Xte / np.maximum(np.linalg.norm(Xte, axis=1, keepdims=True), 1e-12)
    kmax = min(max(ks), len(ytr))
    correct = np.zeros(len(ks))
    for start in range(0, len(yte), a.chunk):
        sims = te[start:start + a.chunk] @ tr.T
        part = np.argpartition(-sims, kmax - 1, axis=1)[:, :kmax]
        top = np.take_along_axis(sims, part, axis=1)
        order = np.argsort(-top, axis=1, kind="stable")
        idx = np.take_along_axis(part, order, axis=1)
        w = np.exp(np.take_along_axis(top, order, axis=1).astype(np.float64) / a.temperature)
        labels = ytr[idx]
        for i, k in enumerate(ks):
            kk = min(k, kmax)
            votes = np.zeros((len(idx), n_classes))
            np.add.at(votes, (np.arange(len(idx))[:, None], labels[:, :kk]), w[:, :kk])
            correct[i] += np.sum(votes.argmax(axis=1) == yte[start:start + a.chunk])
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "k": ks, "accuracy": (correct / len(yte)).tolist()}))


if __name__ == "__main__":
    main()
