"""Benchmark: netcore.train against a naive per-example loop (and torch, if installed).

Trains a 1-32-1 sigmoid network on 256 points of sin(3x) with full-batch Adam and prints
steps per second for each implementation.  Run: ``python bench/bench_train.py``.
"""
from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import netcore  # noqa: E402

SIZES = [1, 32, 1]
POINTS = 256
STEPS = 5000
NAIVE_STEPS = 50
FRAMES = 120
LR = 0.01


def data() -> tuple[np.ndarray, np.ndarray]:
    x = np.linspace(-1.0, 1.0, POINTS)
    return x, np.sin(3.0 * x)


def bench_netcore() -> tuple[float, float]:
    x, y = data()
    net = netcore.Network(SIZES, activation="sigmoid", seed=0)
    start = time.perf_counter()
    trace = netcore.train(net, x, y, steps=STEPS, lr=LR, optimizer="adam", frames=FRAMES)
    return STEPS / (time.perf_counter() - start), trace.final_loss


def bench_naive() -> tuple[float, float]:
    """The same training, written the straightforward way: Python loops over examples."""
    x, y = data()
    (W1, b1), (W2, b2) = (
        (W.ravel().tolist(), b.tolist()) for W, b in netcore.Network(SIZES, seed=0).params
    )
    hidden = SIZES[1]
    params = [W1, b1, W2, b2]
    m = [[0.0] * len(p) for p in params]
    v = [[0.0] * len(p) for p in params]
    start = time.perf_counter()
    for t in range(1, NAIVE_STEPS + 1):
        grads = [[0.0] * len(p) for p in params]
        loss = 0.0
        for xi, yi in zip(x.tolist(), y.tolist()):
            a = [1.0 / (1.0 + math.exp(-(W1[j] * xi + b1[j]))) for j in range(hidden)]
            out = sum(W2[j] * a[j] for j in range(hidden)) + b2[0]
            loss += (out - yi) ** 2 / POINTS
            d_out = 2.0 * (out - yi) / POINTS
            grads[3][0] += d_out
            for j in range(hidden):
                grads[2][j] += d_out * a[j]
                d_h = d_out * W2[j] * a[j] * (1.0 - a[j])
                grads[0][j] += d_h * xi
                grads[1][j] += d_h
        for p, g, mp, vp in zip(params, grads, m, v):
            for i in range(len(p)):
                mp[i] = 0.9 * mp[i] + 0.1 * g[i]
                vp[i] = 0.999 * vp[i] + 0.001 * g[i] * g[i]
                p[i] -= LR * (mp[i] / (1 - 0.9**t)) / (math.sqrt(vp[i] / (1 - 0.999**t)) + 1e-8)
    return NAIVE_STEPS / (time.perf_counter() - start), loss


def bench_torch() -> float | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    x, y = (torch.tensor(a, dtype=torch.float64).reshape(-1, 1) for a in data())
    nn = torch.nn
    model = nn.Sequential(nn.Linear(1, SIZES[1]), nn.Sigmoid(), nn.Linear(SIZES[1], 1)).double()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    start = time.perf_counter()
    for _ in range(STEPS):
        opt.zero_grad()
        loss = torch.mean((model(x) - y) ** 2)
        loss.backward()
        opt.step()
    return STEPS / (time.perf_counter() - start)


def main() -> None:
    print(f"1-{SIZES[1]}-1 sigmoid network, {POINTS} points, full-batch Adam (lr {LR})")
    core, core_loss = bench_netcore()
    print(f"netcore.train   {STEPS:>5} steps, {FRAMES} frames: {core:10.0f} steps/s"
          f"  (final loss {core_loss:.2e})")
    naive, _ = bench_naive()
    print(f"naive loop      {NAIVE_STEPS:>5} steps (scaled):    {naive:10.1f} steps/s")
    print(f"netcore / naive: {core / naive:.0f}x")
    torch_rate = bench_torch()
    if torch_rate is None:
        print("torch: not installed, skipped")
    else:
        print(f"torch (CPU, 1 thread) {STEPS} steps: {torch_rate:10.0f} steps/s")
        print(f"netcore / torch: {core / torch_rate:.2f}x")


if __name__ == "__main__":
    main()
