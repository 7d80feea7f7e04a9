"""What onnxruntime's graph fusions cost our two models, one sentence a call, one thread.

    python bench/ort_fusions.py [--n 300] [--repeat 3] [--also GeluFusion ...]

Times a role tagger call and a classifier call (the shipped ``src/dyads/models``) on N seeded
random inputs of 20-60 word pieces: with onnxruntime's default fusions, with the ones dyads turns
off (``dyads.classifier.model.SLOW_FUSIONS``), and with each ``--also`` fusion turned off as well.
Prints ms a call, best of ``--repeat`` interleaved runs. Weights are the shipped ones; the inputs
are random, so only the timing means anything.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

MODELS = Path(__file__).resolve().parents[1] / "src" / "dyads" / "models"
ALSO = ("GeluFusion", "LayerNormFusion", "MatMulScaleFusion", "MatMulIntegerToFloatFusion", "AttentionFusion")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=300, help="calls per model and run (default 300)")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved runs; the best is printed (default 3)")
    parser.add_argument("--also", nargs="*", default=list(ALSO), help="fusions to try turning off besides ours")
    args = parser.parse_args()

    import onnxruntime as ort

    from dyads.classifier.model import SLOW_FUSIONS

    def session(path: Path, disabled: list[str]):
        options = ort.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"], disabled_optimizers=disabled)

    rng = np.random.default_rng(0)
    lengths = rng.integers(20, 61, args.n)
    feeds = {
        "roles-minilm": [{"states": rng.standard_normal((1, n, 384)).astype(np.float32), "attention_mask": np.ones((1, n), np.int64)} for n in lengths],
        "events-minilm": [{"input_ids": rng.integers(1000, 20000, (1, n)), "attention_mask": np.ones((1, n), np.int64)} for n in lengths],
    }
    sides = {"onnxruntime's defaults": [], "dyads (" + ", ".join(SLOW_FUSIONS) + " off)": list(SLOW_FUSIONS)}
    sides.update({f"dyads and {name} off": [*SLOW_FUSIONS, name] for name in args.also})
    for model, inputs in feeds.items():
        sessions = {side: session(MODELS / model / "model.onnx", disabled) for side, disabled in sides.items()}
        best = dict.fromkeys(sessions, float("inf"))
        for _ in range(args.repeat):
            for side, run in sessions.items():
                for feed in inputs[:10]:
                    run.run(None, feed)
                started = time.perf_counter()
                for feed in inputs:
                    run.run(None, feed)
                best[side] = min(best[side], (time.perf_counter() - started) / len(inputs) * 1000)
        print(f"{model}: ms a call, best of {args.repeat}")
        for side, ms in best.items():
            print(f"  {side:<48} {ms:6.3f}")


if __name__ == "__main__":
    main()
