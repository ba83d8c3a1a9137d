#!/usr/bin/python3
"""Reference BitLinear of BitNet b1.58 in numpy, independent of the C++ model (model/core/bitlinear.cpp).

Implements the inference recipe of /work/shared/reference/bitnet.md, with the precision of every
step spelled out so that the results are bit-exact:

    alpha = float32(max(mean(|W|), 1e-5))      the sum of |W| in float64, sequential in row-major
                                                order (np.add.accumulate, not np.sum's pairwise sum)
    w     = clip(rint(W / alpha), -1, 1)       W / alpha in float32; np.rint rounds half to even
    s     = float32(127 / max(max|x|, 1e-5))   per token row, max and division in float64
    q     = clip(rint(x * s), -128, 127)       x * s in float32
    acc   = q @ w.T                            exact, in int64
    y     = (float32(acc) / s) * alpha         float32, in that order

Usage:  bitlinear_ref.py W.npy X.npy OUT_DIR

W is N x K float32 (one output row per line), X is M x K float32 (one token per line). Writes to
OUT_DIR: codes.npy (int8 N x K, values -1/0/+1), alpha.npy (float32, 0-d), q.npy (int8 M x K),
s.npy (float32 M), acc.npy (int64 M x N) and y.npy (float32 M x N). Used by the BitLinear tests of
model_test, which compare every output with the C++ model bit for bit.
"""

import argparse
import os
import sys

import numpy as np

EPS = 1e-5


def load_float32_matrix(path):
    a = np.load(path, allow_pickle=False)
    if a.dtype != np.float32:
        sys.exit(f"{path}: dtype {a.dtype}, expected float32 (no silent rounding here)")
    if a.ndim != 2 or a.shape[0] == 0 or a.shape[1] == 0:
        sys.exit(f"{path}: shape {a.shape}, expected a non-empty 2-D array")
    if not np.all(np.isfinite(a)):
        i = int(np.flatnonzero(~np.isfinite(a))[0])
        sys.exit(f"{path}: element {i} is {a.flat[i]}, not finite")
    return a


def ternarize(W):
    abs64 = np.abs(W.astype(np.float64)).ravel()
    total = np.add.accumulate(abs64)[-1]
    alpha = np.float32(max(total / abs64.size, EPS))
    ratio = W / alpha
    assert ratio.dtype == np.float32
    w = np.clip(np.rint(ratio), -1, 1).astype(np.int8)
    return w, alpha


def quantize(X):
    max_abs = np.max(np.abs(X.astype(np.float64)), axis=1)
    s = (127.0 / np.maximum(max_abs, EPS)).astype(np.float32)
    product = X * s[:, None]
    assert product.dtype == np.float32
    q = np.clip(np.rint(product), -128, 127).astype(np.int8)
    return q, s


def main(argv):
    p = argparse.ArgumentParser(prog=os.path.basename(argv[0]), description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("weights", metavar="W.npy", help="N x K float32 weights")
    p.add_argument("acts", metavar="X.npy", help="M x K float32 activations")
    p.add_argument("out", metavar="OUT_DIR",
                   help="where codes.npy, alpha.npy, q.npy, s.npy, acc.npy and y.npy go "
                        "(created if missing)")
    a = p.parse_args(argv[1:])
    W = load_float32_matrix(a.weights)
    X = load_float32_matrix(a.acts)
    if W.shape[1] != X.shape[1]:
        sys.exit(f"K mismatch: W is {W.shape}, X is {X.shape}")
    out = a.out
    os.makedirs(out, exist_ok=True)

    w, alpha = ternarize(W)
    q, s = quantize(X)
    acc = q.astype(np.int64) @ w.astype(np.int64).T
    y = (acc.astype(np.float32) / s[:, None]) * alpha
    assert y.dtype == np.float32

    np.save(os.path.join(out, "codes.npy"), w)
    np.save(os.path.join(out, "alpha.npy"), np.array(alpha, dtype=np.float32))
    np.save(os.path.join(out, "q.npy"), q)
    np.save(os.path.join(out, "s.npy"), s)
    np.save(os.path.join(out, "acc.npy"), acc)
    np.save(os.path.join(out, "y.npy"), y)


if __name__ == "__main__":
    main(sys.argv)
