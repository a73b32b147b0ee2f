"""Make ``auto``'s one-time choice now, saying so, instead of inside a user's first command.

The first ``auto`` load on a CPU (per model and library versions) converts the model to OpenVINO
and ONNX, checks both against torch fp32 and times them by CPU time: about 3 CPU-minutes (more wall
time on a busy machine). Every later load reuses the cached choice in well under a second. ``install.sh``
runs this after its demo so that a new user's first ``newsqa index`` does not stall on it unsaid.

    python -m newsqa.embeddings.backends.warm            # auto (or $NEWSQA_BACKEND)
    NEWSQA_BACKEND=torch ./install.sh                    # skip it: torch fp32, nothing to convert
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from .choose import BACKENDS


def describe(encoder, seconds: float, cpu_seconds: float) -> str:
    """One line: which forward pass was chosen, why, and what the choice cost."""
    why = getattr(encoder, "note", "") or f"backend {encoder.backend}"
    return f"encoder backend: {encoder.backend} ({encoder.precision}); {why} [{seconds:.0f} s, {cpu_seconds:.0f} CPU-s]"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m newsqa.embeddings.backends.warm", description=__doc__.split("\n\n")[0])
    ap.add_argument("--backend", choices=BACKENDS, default=os.environ.get("NEWSQA_BACKEND") or "auto")
    ap.add_argument("--model", default=None, help="default: the packaged all-MiniLM-L6-v2")
    args = ap.parse_args(argv)
    from ..encoder import load_encoder

    if args.backend == "auto":
        print("Choosing the fastest encoder backend for this CPU (the first time per CPU, model and library "
              "versions it converts the model to OpenVINO and ONNX and checks them against torch: about 3 CPU-minutes, "
              "longer on a busy machine; later it reuses that choice) ...", flush=True)
    wall, cpu = time.perf_counter(), time.process_time()
    enc = load_encoder(args.model, backend=args.backend)
    print(describe(enc, time.perf_counter() - wall, time.process_time() - cpu), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
