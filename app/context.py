"""What every use case needs: settings, database, file store and clock, built once per process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from app.db.engine import Database
from app.db.file_refs import reference_check
from app.keys import KeyRing
from app.settings import Settings
from app.storage import StagedWrites, Store, open_store


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Work:
    """One unit of work: a write session and the files written during it."""

    session: Session
    staged: StagedWrites = field(default_factory=StagedWrites)


@dataclass
class AppContext:
    settings: Settings
    db: Database
    store: Store
    keys: KeyRing
    #: The service's clock. In service it is the server's clock; the demo sets the seed's times.
    clock: Callable[[], datetime] = system_clock

    @classmethod
    def from_settings(cls, settings: Settings) -> AppContext:
        return cls(
            settings=settings,
            db=Database(settings.database_url),
            store=open_store(settings),
            keys=KeyRing(settings),
        )

    @contextmanager
    def unit_of_work(self) -> Iterator[Work]:
        """Commit everything or nothing: on error the transaction rolls back (returning any number
        taken) and the files this unit stored are removed.

        If the COMMIT itself fails (the connection dropped while committing) the outcome is
        unknown: the database may have committed. The files are then kept, since a committed row
        may name them; `vanthu storage sweep` removes them later if no row does."""
        work = Work(self.db.write_session())
        try:
            try:
                yield work
                work.session.flush()
            except BaseException:
                try:
                    work.session.rollback()
                finally:
                    self.store.discard(work.staged, reference_check(self.db))
                raise
            try:
                work.session.commit()
            except BaseException:
                work.session.rollback()
                raise
        finally:
            self.store.release(work.staged)  # other units may remove what it stored only now
            work.session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        session = self.db.read_session()
        try:
            yield session
        finally:
            session.close()  # ends the read transaction; loaded objects stay readable
