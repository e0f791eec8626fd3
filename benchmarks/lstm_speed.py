"""The reference LSTM's forward + backward against torch.nn.LSTM, on the CPU, in float64.

    reference   reference.lstm: lstm_forward then lstm_backward (NumPy, BLAS for the matmuls)
    torch       torch.nn.LSTM(D, H, batch_first=True).double(), forward, then autograd's
                backward of Σ h ⊙ dh (weights' and input's gradients), same inputs

Both at N=32, T=50, D=64, H=128 (issue 5's size) with the same number of threads: NumPy's BLAS
through OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS, set here before NumPy is
imported, and torch.set_num_threads. The two are run interleaved, `--runs` times each, and the
medians and their ratio are printed. Target (issue 5): reference / torch <= 1.5. The GRU
(reference.gru against torch.nn.GRU) is measured the same way, for information.

Before timing, the outputs are compared (torch's gate blocks are i, f, g, o, the reference's
i, f, o, g; torch's GRU uses the reference's convention exactly). Without torch (`import torch`
fails) the script says so and times the reference alone.

    python benchmarks/lstm_speed.py [--threads 1] [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
N, T, D, H = 32, 50, 64, 128
TARGET = 1.5  # reference / torch, issue 5
AGREE_ATOL = 1e-10  # float64, the same arithmetic in another order


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1,
                        help="threads for NumPy's BLAS and for torch (default 1)")
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each (default 30)")
    return parser.parse_args()


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    args = arguments()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)  # read by the BLAS when NumPy loads it
    import numpy as np

    sys.path.insert(0, str(REPO))
    from reference import gru, lstm

    rng = np.random.default_rng(0)
    x, h0, dh = rng.normal(size=(N, T, D)), rng.normal(size=(N, H)), rng.normal(size=(N, T, H))
    lstm_p = {"Wx": rng.normal(size=(D, 4 * H)) / np.sqrt(D),
              "Wh": rng.normal(size=(H, 4 * H)) / np.sqrt(H), "b": rng.normal(size=4 * H)}
    gru_p = {"Wx": rng.normal(size=(D, 3 * H)) / np.sqrt(D),
             "Wh": rng.normal(size=(H, 3 * H)) / np.sqrt(H), "bx": rng.normal(size=3 * H),
             "bh": rng.normal(size=3 * H)}

    def reference_lstm():
        h, cache = lstm.lstm_forward(x, h0, lstm_p["Wx"], lstm_p["Wh"], lstm_p["b"])
        return h, lstm.lstm_backward(dh, cache)

    def reference_gru():
        h, cache = gru.gru_forward(x, h0, *(gru_p[k] for k in gru.PARAM_KEYS))
        return h, gru.gru_backward(dh, cache)

    cases = {"LSTM": {"reference": reference_lstm}, "GRU": {"reference": reference_gru}}
    try:
        import torch
    except ImportError:
        torch = None
        print("torch is not installed: timing the reference alone, no comparison")
    if torch is not None:
        torch.set_num_threads(args.threads)
        print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s); NumPy "
              f"{np.__version__}, BLAS threads {args.threads}")
        cases["LSTM"]["torch"] = torch_lstm(torch, np, x, h0, dh, lstm_p, reference_lstm)
        cases["GRU"]["torch"] = torch_gru(torch, np, x, h0, dh, gru_p, reference_gru)
    print(f"N={N}, T={T}, D={D}, H={H}, float64, forward + backward, {args.runs} runs each, "
          "medians (min – max):")
    for cell, runs in cases.items():
        times: dict[str, list[float]] = {name: [] for name in runs}
        for action in runs.values():
            action()  # warm-up: allocator, BLAS threads
        for _ in range(args.runs):
            for name, action in runs.items():
                times[name].append(timed(action))
        median = {name: statistics.median(v) for name, v in times.items()}
        for name, values in times.items():
            print(f"  {cell:4s} {name:9s} {median[name] * 1e3:7.2f} ms   "
                  f"({min(values) * 1e3:.2f} – {max(values) * 1e3:.2f})")
        if "torch" in median:
            ratio = median["reference"] / median["torch"]
            goal = f"   (target <= {TARGET}x)" if cell == "LSTM" else "   (for information)"
            print(f"  {cell:4s} reference / torch = {ratio:.2f}x{goal}")


def torch_lstm(torch, np, x, h0, dh, p, reference):
    """torch.nn.LSTM with the reference's weights (blocks reordered i, f, o, g -> i, f, g, o);
    checks that both give the same h, then returns the timed action."""
    model = torch.nn.LSTM(D, H, batch_first=True).double()
    order = np.r_[0:2 * H, 3 * H:4 * H, 2 * H:3 * H]  # torch's blocks i, f, g, o
    with torch.no_grad():
        model.weight_ih_l0.copy_(torch.from_numpy(p["Wx"][:, order].T.copy()))
        model.weight_hh_l0.copy_(torch.from_numpy(p["Wh"][:, order].T.copy()))
        model.bias_ih_l0.copy_(torch.from_numpy(p["b"][order]))
        model.bias_hh_l0.zero_()
    xt = torch.from_numpy(x).requires_grad_()
    state = (torch.from_numpy(h0)[None], torch.zeros(1, N, H, dtype=torch.float64))
    dht = torch.from_numpy(dh)

    def action():
        model.zero_grad()
        xt.grad = None
        out, _ = model(xt, state)
        out.backward(dht)
        return out

    agree(np, action().detach().numpy(), reference()[0], "LSTM")
    return action


def torch_gru(torch, np, x, h0, dh, p, reference):
    """torch.nn.GRU with the reference's weights (the same blocks r, z, n and biases)."""
    model = torch.nn.GRU(D, H, batch_first=True).double()
    with torch.no_grad():
        model.weight_ih_l0.copy_(torch.from_numpy(p["Wx"].T.copy()))
        model.weight_hh_l0.copy_(torch.from_numpy(p["Wh"].T.copy()))
        model.bias_ih_l0.copy_(torch.from_numpy(p["bx"]))
        model.bias_hh_l0.copy_(torch.from_numpy(p["bh"]))
    xt = torch.from_numpy(x).requires_grad_()
    state = torch.from_numpy(h0)[None]
    dht = torch.from_numpy(dh)

    def action():
        model.zero_grad()
        xt.grad = None
        out, _ = model(xt, state)
        out.backward(dht)
        return out

    agree(np, action().detach().numpy(), reference()[0], "GRU")
    return action


def agree(np, theirs, ours, cell: str) -> None:
    error = float(np.max(np.abs(theirs - ours)))
    if error > AGREE_ATOL:
        raise SystemExit(f"{cell}: torch and the reference disagree by {error:.3g}")
    print(f"  {cell}: torch's h equals the reference's (max difference {error:.1e})")


if __name__ == "__main__":
    main()
