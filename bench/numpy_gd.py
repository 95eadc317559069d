"""The numpy peer: one GD step of deep matrix completion, written as a researcher would (dense products).

W = W_L ... W_1 (all n x n), loss 1/(2|Omega|) sum_Omega (W_ij - M_ij)^2, gradient of factor j:
(W_L...W_{j+1})^T R (W_{j-1}...W_1)^T with R = mask * (W - M) / |Omega|.

usage: OPENBLAS_NUM_THREADS=1 python3 bench/numpy_gd.py N DEPTH [--observed 0.3] [--reps 5] [--seconds 0.5]
prints one JSON line: {"engine": "numpy", "n", "depth", "steps_per_s" (median), "reps"}
"""
import json
import sys
import time

import numpy as np


def problem(n, depth, observed=0.3, rank=5, alpha=1e-3, seed=1):
    rng = np.random.default_rng(seed)
    m = rng.standard_normal((n, rank)) @ rng.standard_normal((rank, n))
    m *= n / np.linalg.norm(m)
    mask = (rng.random((n, n)) < observed).astype(np.float64)
    ws = [rng.standard_normal((n, n)) * alpha for _ in range(depth)]
    return ws, m, mask


def step(ws, m, mask, n_obs, lr):
    prefix = [ws[0]]
    for w in ws[1:]:
        prefix.append(w @ prefix[-1])
    r = mask * (prefix[-1] - m) / n_obs
    grads = [None] * len(ws)
    b = r
    for j in range(len(ws) - 1, 0, -1):
        grads[j] = b @ prefix[j - 1].T
        b = ws[j].T @ b
    grads[0] = b
    for w, g in zip(ws, grads):
        w -= lr * g


def main():
    args = sys.argv[1:]
    n, depth = int(args[0]), int(args[1])
    opt = lambda name, default: type(default)(args[args.index(name) + 1]) if name in args else default  # noqa: E731
    observed, reps, seconds = opt("--observed", 0.3), opt("--reps", 5), opt("--seconds", 0.5)
    ws, m, mask = problem(n, depth, observed=observed)
    n_obs = mask.sum()
    lr = 0.01
    t = time.perf_counter()
    while time.perf_counter() - t < 0.2 * seconds:
        step(ws, m, mask, n_obs, lr)
    rates = []
    for _ in range(reps):
        start, steps = time.perf_counter(), 0
        while time.perf_counter() - start < seconds:
            step(ws, m, mask, n_obs, lr)
            steps += 1
        rates.append(steps / (time.perf_counter() - start))
    rates.sort()
    print(json.dumps({"engine": "numpy", "n": n, "depth": depth, "steps_per_s": rates[len(rates) // 2], "reps": rates}))


if __name__ == "__main__":
    main()
