"""The schemathesis run's tally at the end of the session (without pytest-xdist: with it the
counts stay in the workers). VANTHU_FUZZ_DETAIL=1 shows it per operation."""

from __future__ import annotations

import os
import sys
from collections import Counter, defaultdict

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    module = sys.modules.get("tests.fuzz.test_schemathesis")
    calls: Counter[tuple[str, str, int]] = getattr(module, "CALLS", Counter())
    if not calls:
        return
    per_role: dict[str, Counter[int]] = defaultdict(Counter)
    per_operation: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    for (role, label, status), n in calls.items():
        per_role[role][status] += n
        per_operation[(label, role)][status] += n
    terminalreporter.write_sep("-", "schemathesis")
    for role, statuses in sorted(per_role.items()):
        operations = len({label for (label, who) in per_operation if who == role})
        shown = ", ".join(f"{s}×{n}" for s, n in sorted(statuses.items()))
        terminalreporter.write_line(f"{role}: {operations} operations, "
                                    f"{sum(statuses.values())} calls ({shown})")
    if os.environ.get("VANTHU_FUZZ_DETAIL"):
        for (label, role), statuses in sorted(per_operation.items()):
            shown = ", ".join(f"{s}×{n}" for s, n in sorted(statuses.items()))
            terminalreporter.write_line(f"  {label} [{role}]: {sum(statuses.values())} ({shown})")
