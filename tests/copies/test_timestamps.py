"""Every copy's signature carries an RFC 3161 timestamp from the configured TSA (PAdES B-T):
verification reports the timestamped time beside the claimed one, and pyHanko's own validator
accepts the timestamp."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from app.services.verification import verify_copy
from signing import parse_iso
from tests.factories import issue_first_copy
from tests.tsa import local_tsa


def test_a_copy_is_timestamped_and_the_report_shows_both_times(
        client: Any, world: Any, ctx: Any) -> None:
    with local_tsa(ctx.keys.dev_ca()) as url:
        ctx.settings = ctx.settings.model_copy(update={"tsa_url": url})
        before = datetime.now(UTC).replace(microsecond=0)
        _, copy = issue_first_copy(client, world, ctx)
        after = datetime.now(UTC) + timedelta(seconds=2)
    pdf = ctx.store.get(copy["pdf_sha256"])
    (sig,) = list(PdfFileReader(BytesIO(pdf)).embedded_signatures)
    trust = ctx.keys.trust_store()
    status = validate_pdf_signature(sig, trust.validation_context(sig.self_reported_timestamp),
                                    trust.validation_context(datetime.now(UTC)))
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.valid and status.timestamp_validity.trusted
    report = verify_copy(ctx, copy["id"]).report
    assert report.verdict == "VALID", report.reasons
    signer = report.links[0].signer
    assert signer is not None and signer.timestamped_at is not None
    assert signer.signed_at == "2020-02-04T15:30:15+07:00"  # the claimed time
    assert before - timedelta(seconds=1) <= parse_iso(signer.timestamped_at) <= after
    timestamp = report.links[0].check("timestamp")
    assert timestamp.ok and "by a trusted TSA (Common Name: Test TSA" in timestamp.reason
    assert "timestamp:" in report.text() and "(RFC 3161)" in report.text()


def test_without_a_tsa_a_copy_carries_only_its_claimed_time(
        client: Any, world: Any, ctx: Any) -> None:
    _, copy = issue_first_copy(client, world, ctx)
    report = verify_copy(ctx, copy["id"]).report
    assert report.links[0].signer is not None and report.links[0].signer.timestamped_at is None
    assert "timestamp" not in {c.name for c in report.links[0].checks}
