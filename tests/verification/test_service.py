"""services.verification: upload and by-reference verification matched to the register."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from app.context import AppContext
from app.domain.copy_forms import CopyKind
from app.errors import AppError, NotFound
from app.services import verification
from app.services.copy_pdf import CopySpec, make_copy_files
from signing import CheckCode, Limits, Status
from signing.ca import DevCA
from tests.conftest import World
from tests.verification.chains import Chain, office
from tests.verification.register import register_chain, trust_ca


@pytest.fixture
def trusted(ctx: AppContext, dev_ca: DevCA) -> AppContext:
    trust_ca(ctx, dev_ca)
    return ctx


def test_upload_unknown_to_the_register_is_valid_and_lists_what_is_unmatched(
    trusted: AppContext, world: World, chain3: Chain
) -> None:
    result = verification.verify_upload(trusted, chain3.top, filename="../../tmp/copy.pdf")
    assert result.report.verdict == "VALID", result.report.reasons
    assert [ln.notation for ln in result.report.links] == chain3.expected_path
    assert result.subject == "copy.pdf"  # a display name only, never a path
    assert len(result.unmatched) == 4
    assert "link 0 (42-BS/VPTU): not in the register" in result.unmatched[0]


def test_upload_matches_every_link_by_digest(
    trusted: AppContext, world: World, chain3: Chain
) -> None:
    ids = register_chain(trusted, chain3, world.user_ids["clerk_vptu"])
    result = verification.verify_upload(trusted, chain3.top)
    assert result.report.ok and result.unmatched == []
    got = [(m.kind, m.id, m.by, m.organisation) for m in result.matches]
    assert got[:3] == [("copy", ids[2], "pdf digest", "VPTU"), ("copy", ids[1], "pdf digest", "VPDUK"),
                       ("copy", ids[0], "pdf digest", "VPTU")]
    assert got[3][0] == "document" and got[3][2] == "file digest" and got[3][3] == "TW"
    data = result.to_dict()
    assert data["links"][1]["register_entry"]["notation"] == "30-SL/VPDUK"


def test_same_notation_different_file_is_matched_by_notation_only(
    trusted: AppContext, world: World, chain3: Chain, dev_ca: DevCA
) -> None:
    register_chain(trusted, chain3, world.user_ids["clerk_vptu"])
    # Another office file that claims the notation 397-BS/VPTU: valid signature, not our file.
    spec = CopySpec(
        kind=CopyKind.SAO_LUC, notation="397-BS/VPTU", place="Đắk Nông",
        copy_date=datetime(2020, 2, 5).date(), signed_at=datetime(2020, 2, 5, 1, tzinfo=UTC),
        signer_authority="", signer_title="CHÁNH VĂN PHÒNG", signer_name="Lê Văn Chiến",
        recipients=["Lưu VT"], pages=None, source_notation="160-TB/TW",
        source_pdf=chain3.original, source_is_copy=False, parent_manifest_sha256=None,
        document_notation="160-TB/TW")
    other = make_copy_files(office("VPTU"), spec, chain3.identities["VPTU"])
    result = verification.verify_upload(trusted, other.pdf)
    assert result.report.ok
    top = result.matches[0]
    assert (top.found, top.by, top.same_file) == (True, "notation", False)
    assert "different file" in top.detail
    assert result.matches[1].by == "file digest"  # the original it copies is ours


def test_verify_copy_by_reference_resolves_from_the_store(
    trusted: AppContext, world: World, chain3: Chain
) -> None:
    ids = register_chain(trusted, chain3, world.user_ids["clerk_vptu"])
    result = verification.verify_copy(trusted, ids[1])
    assert result.report.verdict == "VALID", result.report.reasons
    assert [ln.notation for ln in result.report.links] == ["30-SL/VPDUK", "397-BS/VPTU", "160-TB/TW"]
    assert result.subject.startswith("30-SL/VPDUK (VPDUK)")
    assert result.report.links[0].manifest_sha256 == chain3.manifests[1].sha256
    with pytest.raises(NotFound):
        verification.verify_copy(trusted, 999_999)


def test_trich_sao_checks_its_original_from_the_register(
    trusted: AppContext, world: World, chain3: Chain
) -> None:
    """A trích sao carries only its pages: offline its original is known by digest only; the
    register holds the original's file, so by reference it is checked too."""
    spec = CopySpec(
        kind=CopyKind.TRICH_SAO, notation="12-BS/VPTU", place="Đắk Nông",
        copy_date=datetime(2020, 2, 5).date(), signed_at=datetime(2020, 2, 5, 1, tzinfo=UTC),
        signer_authority="", signer_title="CHÁNH VĂN PHÒNG", signer_name="Lê Văn Chiến",
        recipients=["Lưu VT"], pages=[1], source_notation="160-TB/TW",
        source_pdf=chain3.original, source_is_copy=False, parent_manifest_sha256=None,
        document_notation="160-TB/TW")
    trich = make_copy_files(office("VPTU"), spec, chain3.identities["VPTU"])
    alone = verification.verify_upload(trusted, trich.pdf)
    assert alone.report.ok
    assert [ln.available for ln in alone.report.links] == [True, False]
    assert "was not checked" in " ".join(alone.report.notes)
    parent_link = alone.report.links[0].check(CheckCode.PARENT_LINK)
    assert parent_link.status is Status.NOT_CHECKED and "trích sao" in parent_link.reason
    assert alone.report.not_checked[0].startswith("link 0 (12-BS/VPTU): parent link: a trích sao")
    assert alone.report.not_checked[-1] == ("link 1 (160-TB/TW): not inside the file and not "
                                            "supplied")
    assert alone.report.to_dict()["not_checked"] == alone.report.not_checked
    one = Chain(chain3.original, [trich], ["12-BS/VPTU"], chain3.identities)
    ids = register_chain(trusted, one, world.user_ids["clerk_vptu"])
    checked = verification.verify_copy(trusted, ids[0])
    assert checked.report.ok
    assert [ln.available for ln in checked.report.links] == [True, True]
    original = checked.report.links[1]
    assert original.check("digest").ok and original.check("integrity").ok


def test_bad_inputs_map_to_statuses(trusted: AppContext, chain3: Chain) -> None:
    def status(pdf: bytes, manifest: bytes | None = None, **kw: Any) -> tuple[int, str]:
        with pytest.raises(AppError) as info:
            verification.verify_upload(trusted, pdf, manifest, **kw)
        return info.value.status, info.value.type_slug

    assert status(b"GIF89a not a pdf") == (415, "unsupported-media-type")
    assert status(chain3.top[:-3000]) == (422, "damaged-pdf")
    assert status(b"x" * (trusted.settings.max_upload_bytes + 1)) == (413, "payload-too-large")
    assert status(chain3.top, b"{not json") == (422, "invalid")
    tight = verification.Budget(limits=Limits(max_objects=20))
    assert status(chain3.top, budget=tight) == (422, "pdf-too-complex")


def test_time_and_memory_budgets_end_the_child(trusted: AppContext, chain3: Chain) -> None:
    quick = verification.Budget(seconds=0.01)
    with pytest.raises(verification.TooComplexPdf, match=r"did not finish within 0\.01 s"):
        verification.verify_upload(trusted, chain3.top, budget=quick)
    small = dataclasses.replace(verification.DEFAULT_BUDGET, memory_bytes=48 * 1024 * 1024)
    with pytest.raises(verification.TooComplexPdf):
        verification.verify_upload(trusted, chain3.top, budget=small)


def test_report_data_lists_the_original_first(
    trusted: AppContext, world: World, chain3: Chain
) -> None:
    register_chain(trusted, chain3, world.user_ids["clerk_vptu"])
    result = verification.verify_upload(trusted, chain3.top)
    data = verification.build_report_data(result.report, result.matches, subject="copy.pdf",
                                          generated_at=datetime(2020, 3, 1, tzinfo=UTC))
    assert data.verdict_ok
    assert [ln.notation for ln in data.links] == list(reversed(chain3.expected_path))
    assert [ln.label for ln in data.links] == ["Bản gốc", "Bản sao lục", "Bản sao lục",
                                               "Bản sao lục"]
    assert data.links[1].cert_serial == chain3.identities["VPTU"].certificate.serial_number
    assert data.links[1].signed_at == datetime(2020, 2, 4, 8, 30, 15, tzinfo=UTC)
    assert ("Toàn vẹn", Status.PASSED, "the signed bytes are unchanged") in data.links[1].checks
    assert any("khớp sổ đăng ký" in n and "42-BS/VPTU" in n for n in data.notes)
