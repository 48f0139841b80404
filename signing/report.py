"""The verification report a person reads: one view per document of the chain, a verdict, JSON
and plain words. Built by `signing.offline.verify_pdf` from the chain walk; computes nothing the
walk has not (the verdict is the chain's, the failures are `chain.failure_reasons`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from signing.chain import ChainReport, failure_reasons
from signing.pdf_validate import SignatureResult
from signing.results import Check, CheckedResult, Status, not_checked
from signing.timefmt import format_stamp_time, parse_iso

Verdict = Literal["VALID", "INVALID", "UNSIGNED"]
#: How the text report marks each status.
MARKS = {Status.PASSED: "✓", Status.FAILED: "✗", Status.NOT_CHECKED: "–"}


@dataclass(frozen=True)
class Signer:
    """Who signed, as the signature says (its checks are the link's)."""

    field_name: str
    subject: str | None
    organisation: str | None  # O= of the subject
    serial: str | None
    issuer: str | None
    signed_at: str | None  # ISO 8601, +07:00
    reason: str | None
    manifest_sha256: str | None
    #: the RFC 3161 timestamp's time (PAdES B-T), beside the claimed `signed_at`
    timestamped_at: str | None = None

    @classmethod
    def of(cls, sig: SignatureResult) -> Signer:
        return cls(sig.field_name, sig.signer_subject, sig.organisation, sig.serial, sig.issuer,
                   sig.signed_at, sig.reason, sig.manifest_sha256, sig.timestamped_at)

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class LinkView(CheckedResult):
    """One document of the chain as a person reads it (depth 0 = the file asked about)."""

    depth: int
    role: str  # "copy" or "original"
    kind: str | None  # the copy form from the manifest: "SAO_Y", "SAO_LUC", "TRICH_SAO"
    office: str | None  # the copying office (manifest), else the signer certificate's O
    notation: str | None
    notation_source: str | None  # "manifest", "child manifest", "signature reason", "attachment"
    pdf_sha256: str
    manifest_sha256: str | None
    available: bool  # False: the original is only known by the digest its copy attests
    signers: list[Signer]
    checks: list[Check]

    @property
    def signer(self) -> Signer | None:
        """The last signature, which certifies the document as it stands."""
        return self.signers[-1] if self.signers else None

    @property
    def label(self) -> str:
        return self.notation or (self.signer.subject if self.signer else None) or "?"

    def to_dict(self) -> dict[str, Any]:
        last = self.signer
        return {
            "depth": self.depth,
            "role": self.role,
            "kind": self.kind,
            "office": self.office,
            "notation": self.notation,
            "notation_source": self.notation_source,
            "pdf_sha256": self.pdf_sha256,
            "manifest_sha256": self.manifest_sha256,
            "available": self.available,
            "subject": last.subject if last else None,
            "serial": last.serial if last else None,
            "signed_at": last.signed_at if last else None,
            "signers": [s.to_dict() for s in self.signers],
            "ok": self.ok,
            "checks": [c.to_dict() for c in self.checks],
        }


@dataclass
class VerificationReport:
    sha256: str
    links: list[LinkView]
    notes: list[str]
    chain: ChainReport = field(repr=False)
    unsigned: bool = False

    @property
    def ok(self) -> bool:
        return not self.unsigned and self.chain.ok

    @property
    def verdict(self) -> Verdict:
        if self.unsigned:
            return "UNSIGNED"
        return "VALID" if self.ok else "INVALID"

    @property
    def reasons(self) -> list[str]:
        """Every failed check: 'link N (notation): check: reason'."""
        return failure_reasons(self.links)

    @property
    def not_checked(self) -> list[str]:
        """Every check that could not be made, and every document that was not at hand."""
        out = [f"link {ln.depth} ({ln.label}): {c.name}: {c.reason}"
               for ln in self.links for c in not_checked(ln.checks)]
        out += [f"link {ln.depth} ({ln.label}): not inside the file and not supplied"
                for ln in self.links if not ln.available]
        return out

    @property
    def path(self) -> str:
        """'30-SL/VPDUK → 397-BS/VPTU → 160-TB/TW'."""
        return " → ".join(ln.notation or f"(sha256 {ln.pdf_sha256[:12]}…)" for ln in self.links)

    def summary(self) -> str:
        if self.unsigned:
            return "the PDF carries no digital signature, so there is nothing to verify"
        if self.ok:
            some = "every signature and every link of the chain checks out" if len(
                self.links) > 1 else "every signature in the file checks out"
            left = len(self.not_checked)
            if left:
                some += f"; {left} check{'s' if left != 1 else ''} could not be made (not checked)"
            return some
        bad = len(self.reasons)
        return f"{bad} check{'s' if bad != 1 else ''} failed: " + "; ".join(self.reasons[:3])

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "verdict": self.verdict,
            "ok": self.ok,
            "summary": self.summary(),
            "chain": [ln.notation for ln in self.links],
            "reasons": self.reasons,
            "not_checked": self.not_checked,
            "links": [ln.to_dict() for ln in self.links],
            "notes": list(self.notes),
        }

    def text(self, name: str | None = None) -> str:
        """A report in plain words, one block per link (✓ passed, ✗ failed, – not checked)."""
        out = [
            f"Verification of {name or 'the file'} (sha256 {self.sha256})",
            f"Verdict: {self.verdict} — {self.summary()}",
        ]
        if self.links:
            out.append(f"Chain: {self.path}")
        for ln in self.links:
            out.append("")
            out.extend(_link_lines(ln))
        if self.notes:
            out.append("")
            out.append("Notes:")
            out.extend(f"  - {n}" for n in self.notes)
        return "\n".join(out) + "\n"


def _link_lines(ln: LinkView) -> list[str]:
    what = "the file" if ln.depth == 0 else f"source of link {ln.depth - 1}"
    head = f"[{ln.depth}] {ln.notation or 'notation unknown'} — {ln.role} ({what})"
    if ln.notation_source:
        head += f", notation from the {ln.notation_source}"
    out = [head, f"    pdf sha256:  {ln.pdf_sha256}"]
    if ln.manifest_sha256:
        out.append(f"    manifest:    sha256 {ln.manifest_sha256}")
    if not ln.available:
        out.append(
            "    – not checked: this document is not inside the file and was not supplied; "
            "it is identified only by the digest above"
        )
    for s in ln.signers:
        label = f"signer ({s.field_name})" if len(ln.signers) > 1 else "signer"
        out.append(f"    {label + ':':<13}{s.subject or 'unreadable certificate'}")
        out.append(f"    {'certificate:':<13}serial {s.serial or '?'}, issued by "
                   f"{s.issuer or '?'}")
        when = format_stamp_time(parse_iso(s.signed_at)) if s.signed_at else "not recorded"
        out.append(f"    {'signed at:':<13}{when}")
        if s.timestamped_at:
            out.append(f"    {'timestamp:':<13}"
                       f"{format_stamp_time(parse_iso(s.timestamped_at))} (RFC 3161)")
    if ln.available and not ln.signers:
        out.append("    no digital signature in this PDF")
    for c in ln.checks:
        state = " (not checked)" if c.status is Status.NOT_CHECKED else ""
        out.append(f"    {MARKS[c.status]} {c.name}{state}: {c.reason}")
        if c.answers:
            out.append("      answered by: " + "; ".join(
                f"{a} (for {a.certificate})" for a in c.answers))
    return out
