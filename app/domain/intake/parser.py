"""Put the pieces together: stamps out, then the original, then each copy block in turn."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.doc_types import DocType, Family, lookup_type, type_by_code, type_by_name
from app.domain.intake.copies import copy_end, copy_kind, read_copy
from app.domain.intake.dates import find_date_line
from app.domain.intake.header import read_header
from app.domain.intake.lines import Line, split_lines
from app.domain.intake.marks import find_marks
from app.domain.intake.model import Evidence, Proposal, Reference
from app.domain.intake.number import NumberLine, find_number_line
from app.domain.intake.recipients import RecipientList, find_list
from app.domain.intake.references import find_citations
from app.domain.intake.signatures import find_signatures
from app.domain.intake.signer import (
    SignerFound,
    authority_match,
    is_name,
    is_title_line,
    read_signer,
)
from app.domain.intake.stamps import find_stamps
from app.domain.intake.title import Title, TypeLine, find_summary, find_type_line, read_title

_SIGNER_BEFORE_LIST = 12  # how far above "Nơi nhận" a signer printed before the list may start


@dataclass
class _Tail:
    """The end of the original: its recipients, its signer and its last line."""

    recipients: RecipientList | None
    signer: SignerFound | None
    last: int


def _last_signer_start(lines: list[Line], start: int, end: int) -> int | None:
    starts = [
        i
        for i in range(start, end)
        if (authority_match(lines[i]) or is_title_line(lines[i]))
        and not (i > 0 and (authority_match(lines[i - 1]) or is_title_line(lines[i - 1])))
    ]
    return starts[-1] if starts else None


def _tail(lines: list[Line], body_start: int, end: int) -> _Tail:
    recipients = find_list(lines, body_start, end)
    if recipients is not None:
        above = read_signer(
            lines,
            max(body_start, recipients.heading_index - _SIGNER_BEFORE_LIST),
            recipients.heading_index,
        )
        if above is not None and above.name_index is None:
            # Authority and title above the list, the name printed below it (two columns read
            # row by row): the first name-like line after the list completes the block.
            name = next((i for i in range(recipients.last + 1, end) if is_name(lines[i])), None)
            if name is not None:
                above.signer.name, above.name_index = lines[name].text, name
                above.indexes.append(name)
                return _Tail(recipients, above, name)
        if above is not None and above.name_index is not None:
            return _Tail(recipients, above, recipients.last)
        below = read_signer(lines, recipients.heading_index + 1, end)
        last = max(recipients.last, below.last or 0) if below else recipients.last
        return _Tail(recipients, below, last)
    start = _last_signer_start(lines, body_start, end)
    signer = read_signer(lines, start, end) if start is not None else None
    last = signer.last if signer and signer.last is not None else end - 1
    return _Tail(None, signer, last)


def _doc_type(
    number: NumberLine | None, type_line: TypeLine | None, family: Family | None, p: Proposal
) -> DocType | None:
    if family is None:
        return type_line.doc_type if type_line else None
    if number is not None and number.parsed.type_code:
        found = lookup_type(family, number.parsed.type_code, p.issued_on)
        if found is not None:
            return found
    if type_line is not None:
        return type_by_name(family, type_line.doc_type.name, p.issued_on) or type_line.doc_type
    if number is not None and family is Family.STATE:
        # A State notation with no type group ("1234/UBND-KT") is a công văn's (ND 30 Phụ lục I).
        return type_by_code(Family.STATE, "CV", p.issued_on)
    return None


def _header_end(end: int, type_line: TypeLine | None, addressees: RecipientList | None) -> int:
    """Where the header stops: at the type line or the addressees' heading, whichever is first."""
    header_end = end
    for candidate in (
        type_line.index if type_line else None,
        addressees.heading_index if addressees else None,
    ):
        if candidate is not None:
            header_end = min(header_end, candidate)
    return header_end


def _fill_number_date_marks(
    lines: list[Line], header_end: int, end: int, p: Proposal, used: set[int]
) -> NumberLine | None:
    """Số và ký hiệu, place and date, and the marks (confidentiality, urgency); adds their lines
    to `used` and returns the number line."""
    ev = p.evidence
    number = find_number_line(lines, 0, header_end) or find_number_line(lines, 0, end)
    if number is not None:
        p.number, p.notation, p.symbol = number.parsed.number, number.notation, number.symbol
        ev["number"] = ev["notation"] = Evidence.of(lines[number.index])
        used.update(i for i in (number.index, number.continued_on) if i is not None)
    dated = find_date_line(lines, 0, header_end)
    if dated is not None:
        p.place, p.issued_on = dated.place, dated.date
        ev["place"] = ev["issued_on"] = Evidence.of(lines[dated.index])
        used.add(dated.index)
    for mark in find_marks(lines[:end]):
        used.add(mark.index)
        if getattr(p, mark.field) is None:
            setattr(p, mark.field, mark.value)
            ev[mark.field] = Evidence.of(lines[mark.index])
    return number


def _fill_title(
    lines: list[Line], type_line: TypeLine | None, summary: Title | None, end: int, p: Proposal,
    used: set[int]
) -> Title | None:
    """The trích yếu: after the type line, else the "V/v" summary of a công văn."""
    title: Title | None = None
    if type_line is not None:
        used.add(type_line.index)
        title = read_title(lines, type_line.index, end)
    if title is None and summary is not None:
        title = summary
    if title is not None:
        p.title = title.text
        p.evidence["title"] = Evidence.of(lines[title.index])
        used.update(title.indexes)
    return title


def _fill_issuer(lines: list[Line], header_end: int, used: set[int], p: Proposal) -> None:
    """The national heading and the issuer (with its parent) from the header's upper-case lines
    that are not the number, date, marks or title."""
    ev = p.evidence
    candidates = [i for i in range(header_end) if i not in used and lines[i].is_upper]
    header = read_header(lines, candidates)
    p.national_heading = header.national_heading
    p.issuer, p.issuer_parent = header.issuer, header.issuer_parent
    p.issuer_lines = header.issuer_lines or []
    if header.issuer_index is not None:
        ev["issuer"] = Evidence.of(lines[header.issuer_index])
    if header.parent_index is not None:
        ev["issuer_parent"] = Evidence.of(lines[header.parent_index])


def _fill_family_and_type(
    lines: list[Line], number: NumberLine | None, type_line: TypeLine | None, p: Proposal
) -> None:
    """The family (from the notation, else the national heading) and the document type."""
    family = number.parsed.family if number else None
    if family is None and p.national_heading:
        family = Family.PARTY if p.national_heading.startswith("ĐẢNG") else Family.STATE
    p.family = family.value if family else None
    doc_type = _doc_type(number, type_line, family, p)
    if doc_type is not None:
        p.doc_type_code, p.doc_type = doc_type.code, doc_type.name.split(" (")[0]
        from_number = number is not None and (number.parsed.type_code or type_line is None)
        source = number if from_number else type_line
        if source is not None:
            p.evidence["doc_type"] = Evidence.of(lines[source.index])


def _fill_tail(lines: list[Line], body_start: int, end: int, p: Proposal) -> _Tail:
    """Nơi nhận and the signer block at the end of the original."""
    ev = p.evidence
    tail = _tail(lines, body_start, end)
    if tail.recipients is not None:
        p.recipients = tail.recipients.items
        ev["recipients"] = Evidence.of(lines[tail.recipients.heading_index])
    if tail.signer is not None:
        p.signer = tail.signer.signer
        for key, index in (
            ("signer.authority", tail.signer.authority_index),
            ("signer.title", tail.signer.title_index),
            ("signer.name", tail.signer.name_index),
        ):
            if index is not None:
                ev[key] = Evidence.of(lines[index])
    return tail


def _fill_citations_and_signature(lines: list[Line], first: int, last: int, p: Proposal) -> None:
    """The documents the text cites in lines [first, last], and the original's digital
    signature box (the first in lines [0, last])."""
    ev = p.evidence
    cited_in = [i for i in range(first, last + 1)]
    own = {p.notation} if p.notation else set()
    for n, cited in enumerate(find_citations(lines, cited_in, own)):
        p.references.append(Reference(cited.notation, cited.date))
        ev[f"references.{n}"] = Evidence.of(lines[cited.index])
    for sig in find_signatures(lines, 0, last + 1)[:1]:
        p.signature = sig.block
        ev["signature"] = Evidence.of(lines[sig.index])


def _read_original(lines: list[Line], end: int, p: Proposal) -> int:
    """Fill `p` from the original document in lines [0, end); return its last line."""
    type_line = find_type_line(lines, 0, end)
    addressees = find_list(lines, 0, end, addressees=True)
    summary = find_summary(lines, 0, type_line.index if type_line else end)
    header_end = _header_end(end, type_line, addressees)

    used: set[int] = set()
    number = _fill_number_date_marks(lines, header_end, end, p, used)
    title = _fill_title(lines, type_line, summary, end, p, used)
    _fill_issuer(lines, header_end, used, p)
    _fill_family_and_type(lines, number, type_line, p)

    body_start = max(title.indexes) + 1 if title else header_end
    if addressees is not None:
        p.addressees = addressees.items
        p.evidence["addressees"] = Evidence.of(lines[addressees.heading_index])
    tail = _fill_tail(lines, body_start, end, p)
    _fill_citations_and_signature(lines, title.index if title else header_end, tail.last, p)
    return tail.last


def parse_text(text: str) -> Proposal:
    """Read a document's text (OCR or extracted) into a Proposal. Pure: no I/O."""
    all_lines = split_lines(text)
    proposal = Proposal()

    stamps = find_stamps(all_lines)
    stamped: set[int] = set().union(*(s.indexes for s in stamps)) if stamps else set()
    stamps.sort(key=lambda s: (s.stamp.date is None, s.stamp.date, s.stamp.number or 0))
    for n, stamp in enumerate(stamps):
        proposal.arrival_stamps.append(stamp.stamp)
        key = f"arrival_stamps.{n}"
        proposal.evidence[f"{key}.office"] = Evidence.of(
            all_lines[stamp.office_index if stamp.office_index is not None else stamp.word_index]
        )
        for name, index in stamp.field_index.items():
            proposal.evidence[f"{key}.{name}"] = Evidence.of(all_lines[index])

    lines = [line for i, line in enumerate(all_lines) if i not in stamped]
    kinds = [i for i, line in enumerate(lines) if copy_kind(line)]
    previous = _read_original(lines, kinds[0] if kinds else len(lines), proposal)
    for n, kind_index in enumerate(kinds):
        bound = kinds[n + 1] if n + 1 < len(kinds) else len(lines)
        last = copy_end(lines, kind_index, bound)
        found = read_copy(lines, previous + 1, kind_index, last + 1)
        proposal.copies.append(found.copy)
        for key, evidence in found.evidence.items():
            proposal.evidence[f"copies.{n}.{key}"] = evidence
        previous = last
    return proposal
