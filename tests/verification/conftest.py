"""Fixtures: one development CA and a seed-shaped chain (original + 3 copies) per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from signing.ca import DevCA
from signing.trust import TrustStore
from tests.verification.chains import Chain, build_chain

PASSPHRASE = b"kiem-tra-chuoi"


@pytest.fixture(scope="session")
def dev_ca(tmp_path_factory: pytest.TempPathFactory) -> DevCA:
    return DevCA.create(tmp_path_factory.mktemp("ca"), PASSPHRASE, name="Vanthu Test")


@pytest.fixture(scope="session")
def trust_dir(dev_ca: DevCA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return dev_ca.write_trust_dir(tmp_path_factory.mktemp("trust"))


@pytest.fixture(scope="session")
def trust(trust_dir: Path) -> TrustStore:
    return TrustStore.from_dir(trust_dir)


@pytest.fixture(scope="session")
def chain3(dev_ca: DevCA) -> Chain:
    """160-TB/TW → 397-BS/VPTU → 30-SL/VPDUK → 42-BS/VPTU."""
    return build_chain(dev_ca, 3)
