"""SQLAlchemy models. Importing this package registers every table on ``Base.metadata``."""

from app.db.audit import AuditEvent, AuditNode, SignedTreeHead
from app.db.base import Base
from app.db.copies import CertifiedCopy, CopyRequest, OfficeKey
from app.db.document import Document, DocumentFile, DocumentReference
from app.db.intake import DeclaredCopy, DeclaredStamp
from app.db.organisation import ApiToken, CommitteeTerm, Organisation, User
from app.db.registers import (
    Arrival,
    ArrivalEvent,
    Dispatch,
    EntryCorrection,
    InboxItem,
    Recipient,
    RegisterSeries,
)
from app.db.search import SearchDocument

__all__ = [
    "ApiToken",
    "Arrival",
    "ArrivalEvent",
    "AuditEvent",
    "AuditNode",
    "Base",
    "CertifiedCopy",
    "CommitteeTerm",
    "CopyRequest",
    "DeclaredCopy",
    "DeclaredStamp",
    "Dispatch",
    "Document",
    "DocumentFile",
    "DocumentReference",
    "EntryCorrection",
    "InboxItem",
    "OfficeKey",
    "Organisation",
    "Recipient",
    "RegisterSeries",
    "SearchDocument",
    "SignedTreeHead",
    "User",
]
