"""Start-up time of the command line against a bare interpreter, measured in the same run.

    python benchmarks/startup.py [--repeat 15]

Prints the median wall time of ``python -c pass`` (the baseline), ``llmextract --help``, ``llmextract
verify --help`` and ``python -c "import llmextract.core.numbers"``, each as seconds more than the baseline and
as a ratio. Runs are interleaved so machine noise hits all alike. Target: ``llmextract --help`` at most 0.3 s
more than the bare interpreter.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

TARGET_EXTRA_S = 0.3

CASES = {
    "bare interpreter (python -c pass)": [sys.executable, "-c", "pass"],
    "llmextract --help": [sys.executable, "-m", "llmextract", "--help"],
    "llmextract verify --help": [sys.executable, "-m", "llmextract", "verify", "--help"],
    "import llmextract.core.numbers": [sys.executable, "-c", "import llmextract.core.numbers"],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.repeat):
        for name, argv in CASES.items():
            started = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            times[name].append(time.perf_counter() - started)
    medians = {name: statistics.median(t) for name, t in times.items()}
    base = medians["bare interpreter (python -c pass)"]
    print(f"median of {args.repeat} runs each")
    for name, median in medians.items():
        print(f"  {name:<36} {median:6.3f} s   +{median - base:6.3f} s   {median / base:5.2f}x baseline")
    extra = medians["llmextract --help"] - base
    verdict = "met" if extra <= TARGET_EXTRA_S else "NOT met"
    target = f"target <= {TARGET_EXTRA_S} s"
    print(f"llmextract --help costs {extra:.3f} s more than a bare interpreter ({target}): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
