"""The JAX peer: the numpy peer's GD step of deep matrix completion (bench/numpy_gd.py), written as a JAX user
would: float64, the loss differentiated by jax.grad, the step jit-compiled inside lax.fori_loop.

usage: python3 bench/jax_gd.py N DEPTH [--observed 0.3] [--reps 5] [--seconds 0.5]
Threads: XLA uses every core it may; `taskset -c 0` with XLA_FLAGS=--xla_cpu_multi_thread_eigen=false pins it
to one (cargo xtask bench runs it both ways).
prints one JSON line: {"engine": "jax", "n", "depth", "steps_per_s" (median), "reps", "compile_s"}
"""
import json
import os
import sys
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from numpy_gd import problem  # noqa: E402


def loss(ws, m, mask, n_obs):
    w = ws[0]
    for f in ws[1:]:
        w = f @ w
    r = mask * (w - m)
    return 0.5 * jnp.sum(r * r) / n_obs


def make_run(m, mask, n_obs, lr):
    grad = jax.grad(loss)

    def step(_, ws):
        g = grad(ws, m, mask, n_obs)
        return [w - lr * gw for w, gw in zip(ws, g)]

    @jax.jit
    def run(ws, steps):
        return jax.lax.fori_loop(0, steps, step, ws)

    return run


def main():
    args = sys.argv[1:]
    n, depth = int(args[0]), int(args[1])
    opt = lambda name, default: type(default)(args[args.index(name) + 1]) if name in args else default  # noqa: E731
    observed, reps, seconds = opt("--observed", 0.3), opt("--reps", 5), opt("--seconds", 0.5)
    ws, m, mask = problem(n, depth, observed=observed)
    n_obs = float(mask.sum())
    run = make_run(jnp.asarray(m), jnp.asarray(mask), n_obs, 0.01)
    ws = [jnp.asarray(w) for w in ws]
    # `steps` is a traced argument: one compilation serves every loop length.
    t = time.perf_counter()
    ws = jax.block_until_ready(run(ws, 1))
    compile_s = time.perf_counter() - t
    # Steps per timed call: calibrated so that one call lasts about `seconds`.
    steps = 1
    while True:
        t = time.perf_counter()
        ws = jax.block_until_ready(run(ws, steps))
        dt = time.perf_counter() - t
        if dt >= 0.2 * seconds:
            break
        steps *= 4
    steps = max(1, int(steps * seconds / dt))
    rates = []
    for _ in range(reps):
        t = time.perf_counter()
        ws = jax.block_until_ready(run(ws, steps))
        rates.append(steps / (time.perf_counter() - t))
    assert all(np.isfinite(np.asarray(w)).all() for w in ws), "the run diverged"
    rates.sort()
    print(
        json.dumps(
            {
                "engine": "jax",
                "n": n,
                "depth": depth,
                "steps_per_s": rates[len(rates) // 2],
                "reps": rates,
                "compile_s": compile_s,
                "jax": jax.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
