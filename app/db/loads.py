"""The related rows each entity is read with, named once (`stmt.options(*ARRIVAL_LOADS)`): what
its API view and its audit snapshot touch, so that neither lazy-loads a row at a time."""

from __future__ import annotations

from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from app.db.copies import CertifiedCopy, CopyRequest
from app.db.document import Document
from app.db.organisation import Organisation
from app.db.registers import Arrival, Dispatch, Recipient

Loads = tuple[LoaderOption, ...]

#: A document with its files, its issuer and the documents it cites (căn cứ); its type is the
#: loaders' own, so that the entities below can nest it under their document.
DOCUMENT_LOADS = (selectinload(Document.files), selectinload(Document.issuer),
                         selectinload(Document.references))

#: An organisation with its committee terms and the organisation above it.
ORGANISATION_LOADS: Loads = (selectinload(Organisation.terms), selectinload(Organisation.parent))

#: A line of the incoming register: its document (as above), office, status events, corrections.
ARRIVAL_LOADS: Loads = (selectinload(Arrival.document).options(*DOCUMENT_LOADS),
                        selectinload(Arrival.organisation), selectinload(Arrival.events),
                        selectinload(Arrival.corrections))

#: A line of the outgoing register: its document, office, nơi nhận lines and corrections.
DISPATCH_LOADS: Loads = (selectinload(Dispatch.document).options(*DOCUMENT_LOADS),
                         selectinload(Dispatch.organisation),
                         selectinload(Dispatch.recipients).selectinload(Recipient.organisation),
                         selectinload(Dispatch.corrections))

#: A certified copy: its office and the office above, its source's issuer, the copy it was made
#: from and its nơi nhận lines.
COPY_LOADS: Loads = (selectinload(CertifiedCopy.organisation).selectinload(Organisation.parent),
                     selectinload(CertifiedCopy.document).selectinload(Document.issuer),
                     selectinload(CertifiedCopy.parent),
                     selectinload(CertifiedCopy.recipients).selectinload(Recipient.organisation))

#: A copy request: its source document's issuer and the deciding office.
COPY_REQUEST_LOADS: Loads = (selectinload(CopyRequest.document).selectinload(Document.issuer),
                             selectinload(CopyRequest.organisation))
