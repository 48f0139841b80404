"""Fault scripts: the service under kill -9, a PostgreSQL restart and a full disk.

Each module runs the real service (``vanthu migrate``, ``vanthu demo``, ``vanthu serve``) in its own
folder, drives it over HTTP, breaks something, and checks the register afterwards by SQL
(:mod:`bench.faults.checks`). Run one with ``.venv/bin/python -m bench.faults.kill_server`` (or
``pg_restart``, ``disk_full``); tests/faults runs each in a short form. See docs/operations.md.
"""
