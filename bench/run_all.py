"""`make bench`: run every benchmark in bench/ (never part of `make test`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["bench_registrations.py", "bench_signing.py", "bench_copies.py", "bench_verify.py",
           "bench_audit.py", "bench_register_export.py", "bench_search.py", "intake_accuracy.py",
           "load.py"]


def main() -> int:
    quick = ["--quick"] if "--quick" in sys.argv else []
    failed = []
    for name in SCRIPTS:
        print(f"\n## {name}\n", flush=True)
        extra = [] if name == "intake_accuracy.py" else quick
        if subprocess.run([sys.executable, str(HERE / name), *extra]).returncode != 0:
            failed.append(name)
    print("\n## summary (bench/results/summary.md)\n", flush=True)
    subprocess.run([sys.executable, str(HERE / "summary.py")], check=False)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
