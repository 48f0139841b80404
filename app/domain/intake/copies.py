"""Certified-copy blocks (sao y / sao lục / trích sao) printed after the copied document."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.intake.dates import find_date_line
from app.domain.intake.lines import Line
from app.domain.intake.model import CopyBlock, Evidence
from app.domain.intake.number import find_number_line
from app.domain.intake.offices import normalise_office
from app.domain.intake.recipients import find_list
from app.domain.intake.signatures import find_signatures
from app.domain.intake.signer import SignerFound, read_signer

_KINDS = {
    "SAO Y": "SAO_Y",
    "SAO Y BAN CHINH": "SAO_Y",
    "SAO Y BAN GOC": "SAO_Y",
    "SAO LUC": "SAO_LUC",
    "TRICH SAO": "TRICH_SAO",
}


def copy_kind(line: Line) -> str | None:
    """SAO_Y | SAO_LUC | TRICH_SAO when the line is a copy-kind mark (hình thức sao)."""
    return _KINDS.get(" ".join(line.fold.strip(" :.").split())) if line.is_upper else None


@dataclass
class FoundCopy:
    copy: CopyBlock
    evidence: dict[str, Evidence] = field(default_factory=dict)


def copy_end(lines: list[Line], kind_index: int, end: int) -> int:
    """The last line of the copy block whose kind mark is at `kind_index`: its signer's name."""
    recipients = find_list(lines, kind_index, end)
    after = recipients.heading_index + 1 if recipients else kind_index + 1
    signer = read_signer(lines, after, end)
    if signer is not None and signer.name_index is not None:
        return signer.name_index
    if recipients is not None:
        return recipients.last
    return end - 1


def read_copy(lines: list[Line], start: int, kind_index: int, end: int) -> FoundCopy:
    """Read the copy block spanning lines [start, end) whose kind mark is at `kind_index`."""
    kind = copy_kind(lines[kind_index]) or "SAO_Y"
    found = FoundCopy(copy=CopyBlock(kind=kind))
    copy, ev = found.copy, found.evidence
    ev["kind"] = Evidence.of(lines[kind_index])
    used: set[int] = {kind_index}

    for sig in find_signatures(lines, start, end):
        used.update(sig.indexes)
        if copy.signature is None:
            copy.signature = sig.block
            ev["signature"] = Evidence.of(lines[sig.index])
            if "signed_at" in sig.field_index:
                ev["signature.signed_at"] = Evidence.of(lines[sig.field_index["signed_at"]])

    number = find_number_line(lines, start, end)
    if number is not None:
        copy.notation, copy.number = number.notation, number.parsed.number
        ev["notation"] = Evidence.of(lines[number.index])
        used.add(number.index)

    dated = find_date_line(lines, start, end)
    if dated is not None:
        copy.place, copy.date = dated.place, dated.date
        ev["date"] = Evidence.of(lines[dated.index])
        used.add(dated.index)

    recipients = find_list(lines, start, end)
    signer: SignerFound | None = None
    if recipients is not None:
        copy.recipients = recipients.items
        ev["recipients"] = Evidence.of(lines[recipients.heading_index])
        used.update([recipients.heading_index, *recipients.indexes])
        signer = read_signer(lines, recipients.heading_index + 1, end)
    if signer is None:
        signer = read_signer(lines, kind_index + 1, end)
    if signer is not None:
        used.update(signer.indexes)
        copy.signer_authority = signer.signer.authority
        copy.signer_title = signer.signer.title
        copy.signer_name = signer.signer.name
        for key, index in (
            ("signer_title", signer.title_index),
            ("signer_name", signer.name_index),
            ("signer_authority", signer.authority_index),
        ):
            if index is not None:
                ev[key] = Evidence.of(lines[index])

    office = [
        i
        for i in range(start, recipients.heading_index if recipients else end)
        if i not in used and lines[i].is_upper and lines[i].text.strip("*-. ")
    ]
    if office:
        copy.office_lines = [lines[i].text for i in office]
        copy.office = normalise_office(copy.office_lines)
        ev["office"] = Evidence.of(lines[office[0]])
    return found
