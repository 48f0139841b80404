"""The fault scripts of bench/faults in a short, bounded form (each well under a minute).

They run the real service (``vanthu serve`` in a process group, over HTTP on loopback) and break
it: kill -9 mid-burst, PostgreSQL stopped and started under load, the store's disk full. The
scripts check the register by SQL afterwards; these tests fail on any problem they report.
PostgreSQL comes from the run's throwaway cluster (a failure, not a skip, under CI).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from bench.faults import disk_full, kill_server, pg_restart
from bench.faults.service import pg_create_database


def _no_problems(result: dict[str, Any]) -> None:
    assert result["final"]["ok"], result["final"]["problems"]
    assert result["audit_verify"]["exit"] == 0, result["audit_verify"]


def _kill(folder: Path, url: str) -> None:
    result = kill_server.run(folder, url, cycles=2, burst=2.0, workers=2, seed=1,
                             acknowledged_at_least=(5, 1))
    for cycle in result["cycles"]:
        # before the restart: nothing acknowledged lost, no gap, no duplicate (orphans aside)
        assert not [p for p in cycle["after_kill"]["problems"] if "no row names" not in p]
        # after it, the startup sweep has removed what the kill left
        assert cycle["after_restart"]["ok"], cycle["after_restart"]["problems"]
        assert cycle["after_restart"]["orphans"] == 0
    _no_problems(result)
    # The final burst runs until 5 arrivals and a copy are acknowledged (bounded in time, not
    # by the machine's speed); what was acknowledged is what the checks above proved kept.
    acknowledged = result["traffic"]["acknowledged"]
    assert acknowledged["arrivals"] >= 5 and acknowledged["copies"] >= 1, result["traffic"]
    assert result["ok"]


def test_kill_9_mid_burst_on_sqlite(tmp_path: Path) -> None:
    _kill(tmp_path, f"sqlite:///{tmp_path / 'vanthu.db'}")


def test_kill_9_mid_burst_on_postgresql(tmp_path: Path, pg_cluster: Any) -> None:
    _kill(tmp_path, pg_create_database(pg_cluster, f"vanthu_kill_{os.getpid()}"))


def test_postgresql_restart_mid_burst(tmp_path: Path, pg_cluster: Any) -> None:
    result = pg_restart.run(tmp_path, pg_cluster, workers=2, before=1.0, outage=1.5, after=3.0)
    assert result["server_kept_running"] and result["starts"] == 1
    assert result["during_outage"]["requests"] > 0
    assert set(result["during_outage"]["statuses"]) == {"503"}, result["during_outage"]
    assert result["n_not_503_problem"] == 0, result["not_503_problem"]
    # it recovered (how fast is the bench's figure, not a test's: it depends on the machine)
    assert result["recovered_after_s"] is not None
    assert result["last_second"]["requests"] > 0 and result["last_second"]["failed"] == 0
    _no_problems(result)
    assert result["ok"]


def test_full_disk_fails_cleanly_and_recovers(tmp_path: Path) -> None:
    try:
        result = disk_full.run(tmp_path, size="4m")
    except disk_full.DiskUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"no small disk can be mounted: {exc}")
        pytest.skip(f"neither a tmpfs nor a loop disk can be mounted here (needs root): {exc}")
    failed = [s for s in result["steps"] if s["status"] != 201]
    assert [(s["status"], s["problem"]) for s in failed] == [(507, True)] * 3, result["steps"]
    assert result["store_unchanged_by_failures"] and result["numbers_unchanged_by_failures"]
    assert result["request_still_pending"]
    before = result["numbers"]
    assert before["arrival_without_file"] == before["arrivals_before"] + 1
    assert before["arrival_after_recovery"] == before["arrivals_before"] + 2
    assert before["copy_after_recovery"] == before["copies_before"] + 1
    _no_problems(result)
    assert result["ok"]
