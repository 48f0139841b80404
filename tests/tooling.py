"""Find the independent command-line tools the tests check our output with.

They are our users' tools (openssl, poppler's pdfsig/pdftotext, NSS certutil). `make test`
installs them; when a test runs without them we try to install them the same way, and only
skip, with the reason, where installing is impossible (not root, no apt-get). Under CI a missing
tool is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

#: Debian package that provides each tool.
TOOL_PACKAGES = {
    "openssl": "openssl",
    "pdfsig": "poppler-utils",
    "pdftotext": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "pdfinfo": "poppler-utils",
    "certutil": "libnss3-tools",
    "chromium": "chromium",
    "chromedriver": "chromium-driver",
}


def _try_apt_install(package: str) -> str | None:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return "not root or no apt-get, so it cannot be installed here"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", package]):
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
        if done.returncode != 0:
            return f"`{' '.join(cmd)}` failed: {done.stderr.strip()[-300:]}"
    return None


def require_tool(name: str) -> str:
    """Return the path of tool `name`, installing its Debian package if needed."""
    path = shutil.which(name)
    if path:
        return path
    package = TOOL_PACKAGES.get(name, name)
    problem = _try_apt_install(package)
    path = shutil.which(name)
    if path:
        return path
    reason = f"{name} (Debian package {package}) is missing: {problem or 'install did not provide it'}"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)
    raise AssertionError("unreachable")
