"""What an audit-log event says happened: its ``action`` (hành động), ``noun.verb``.

The values are the strings stored in ``audit_events.action`` and hashed into the log's leaves
(docs/audit.md §2): they never change. ``vanthu audit verify`` declares how it checks each one
(``app/services/audit_verify.py``, ``ACTION_CHECKS``) and reports an event whose action is not a
member.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    """Every action the service records, grouped by the subject it is recorded on."""

    # -- arrivals (văn bản đến), subject ``arrival`` --------------------------------------
    ARRIVAL_REGISTERED = "arrival.registered"
    """Vào sổ văn bản đến: an arrival and its document, with their state."""
    ARRIVAL_INTAKE = "arrival.intake"
    """Tiếp nhận: a received PDF's declared copies and stamps, entered with the arrival."""
    ARRIVAL_UPDATED = "arrival.updated"
    """Routing and handling of an arrival changed (chuyển, xử lý)."""
    ARRIVAL_CORRECTED = "arrival.corrected"
    """Đính chính: an entry of the incoming register corrected, with a reason."""
    ARRIVAL_CANCELLED = "arrival.cancelled"
    """Hủy: an entry of the incoming register cancelled; its number stays used."""

    # -- dispatches (văn bản đi), subject ``dispatch`` ------------------------------------
    DISPATCH_REGISTERED = "dispatch.registered"
    """Đăng ký văn bản đi: a dispatch, its document and recipients (nơi nhận)."""
    DISPATCH_CORRECTED = "dispatch.corrected"
    """Đính chính: an entry of the outgoing register corrected, with a reason."""
    DISPATCH_CANCELLED = "dispatch.cancelled"
    """Hủy: an entry of the outgoing register cancelled; its number stays used."""

    # -- documents (văn bản), subject ``document`` (or the arrival it was read through) ---
    DOCUMENT_FILE_ADDED = "document.file_added"
    """A scan (bản quét) or PDF put on file for a document."""
    DOCUMENT_CORRECTED = "document.corrected"
    """Đính chính: the document behind a corrected register entry."""
    DOCUMENT_DUPLICATE_ACCEPTED = "document.duplicate_accepted"
    """Văn bản trùng: a registration kept although it looked like a duplicate, and why."""
    DOCUMENT_READ = "document.read"
    """Đọc văn bản mật: a confidential document was read (reads change nothing)."""

    # -- certified copies (bản sao), subjects ``copy`` and ``copy_request`` ---------------
    COPY_REQUEST_CREATED = "copy_request.created"
    """Đề nghị sao: a request for a certified copy."""
    COPY_REQUEST_APPROVED = "copy_request.approved"
    """A request approved; the copy is issued in the same unit of work."""
    COPY_REQUEST_REFUSED = "copy_request.refused"
    """Từ chối: a request refused, with a reason."""
    COPY_ISSUED = "copy.issued"
    """Cấp bản sao: a certified copy signed and entered in the copy register."""
    COPY_REVOKED = "copy.revoked"
    """Thu hồi: a certified copy revoked, with a reason."""

    # -- registers (sổ), subjects ``register`` and ``register_book`` ----------------------
    REGISTER_CONTINUED_FROM_PAPER = "register.continued_from_paper"
    """Tiếp nối sổ giấy: a series continues from the last number of a paper register."""
    REGISTER_BOOK_EXPORTED = "register_book.exported"
    """In sổ: a register book that shows confidential entries was exported."""

    # -- organisations (cơ quan, đơn vị), subject ``organisation`` ------------------------
    ORGANISATION_CREATED = "organisation.created"
    """An office created (by an admin, the demo, or intake naming a new issuer)."""
    ORGANISATION_UPDATED = "organisation.updated"
    """An office's name, place or family changed."""
    ORGANISATION_DELETED = "organisation.deleted"
    """An office deleted; its row must be gone."""
    OFFICE_KEY_IMPORTED = "office_key.imported"
    """An office's own signing identity imported (chữ ký số của cơ quan: serial, subject, the
    keys it made inactive)."""
    ORGANISATION_TERM_ADDED = "organisation.term_added"
    """Nhiệm kỳ (khóa): a committee term added to an office."""

    # -- users and API tokens, subject ``user`` -------------------------------------------
    USER_CREATED = "user.created"
    """A user (người dùng) made, with name, role, office and clearance."""
    USER_UPDATED = "user.updated"
    """A user's recorded state replaced (checked like ``user.created``)."""
    USER_PASSWORD_SET = "user.password_set"
    """A user's password set or replaced (the one-time password of `vanthu init` included); the
    hash itself is never logged."""
    USER_SIGN_IN_LOCKED = "user.sign_in_locked"
    """A login locked for a while after repeated wrong passwords (``details.failures``,
    ``details.minutes``)."""
    TOKEN_CREATED = "token.created"
    """An API token made for a user (``details.token_id``)."""
    TOKEN_REVOKED = "token.revoked"
    """An API token revoked (``details.token_id``)."""
