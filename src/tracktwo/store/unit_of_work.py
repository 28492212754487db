"""One transaction, with its named queries (repositories), the workshops' ciphers and the audit
trail at hand."""

from __future__ import annotations

from datetime import UTC, datetime
from types import TracebackType
from typing import TypeVar
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tracktwo.errors import NotFoundError, StoreRefusal
from tracktwo.store.database import Store
from tracktwo.store.keys import FieldCipher
from tracktwo.store.models import AuditRow, Base, WorkshopRow, new_id
from tracktwo.store.repositories import (
    Analyses,
    Briefings,
    Candidates,
    Compositions,
    Concerns,
    Conflicts,
    Constraints,
    Facilitators,
    Ideas,
    Ids,
    Interventions,
    KeepMarks,
    Members,
    Moderations,
    PhaseOpenings,
    ReassuranceSteps,
    Reentries,
    ReentryChecks,
    Referrals,
    Rounds,
    Schedule,
    SharedVisions,
    SignInLinks,
    Statements,
    SurveyResponses,
    Transfers,
    Votes,
    WebSessions,
    Workshops,
)
from tracktwo.store.sealing import context_of

Row = TypeVar("Row", bound=Base)


def now() -> datetime:
    """Return the current UTC time without tzinfo (stored naive, always UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


class UnitOfWork:
    """Open a session; commit when the block succeeds, roll everything back when it raises."""

    session: Session
    conflicts: Conflicts
    workshops: Workshops
    facilitators: Facilitators
    schedule: Schedule
    candidates: Candidates
    referrals: Referrals
    briefings: Briefings
    compositions: Compositions
    members: Members
    concerns: Concerns
    ideas: Ideas
    constraints: Constraints
    reassurance_steps: ReassuranceSteps
    shared_visions: SharedVisions
    interventions: Interventions
    keep_marks: KeepMarks
    phase_openings: PhaseOpenings
    moderations: Moderations
    transfers: Transfers
    survey_responses: SurveyResponses
    reentries: Reentries
    reentry_checks: ReentryChecks
    rounds: Rounds
    statements: Statements
    votes: Votes
    analyses: Analyses
    sign_in_links: SignInLinks
    web_sessions: WebSessions

    def __init__(self, store: Store) -> None:
        self.store = store
        self._ciphers: dict[UUID, FieldCipher] = {}
        self._created_keys: list[UUID] = []
        self._doomed_keys: list[UUID] = []
        self._scrub = False

    def __enter__(self) -> UnitOfWork:
        self.session = session = self.store.sessions()
        self.conflicts = Conflicts(session)
        self.workshops = Workshops(session)
        self.facilitators = Facilitators(session)
        self.schedule = Schedule(session)
        self.candidates = Candidates(session)
        self.referrals = Referrals(session)
        self.briefings = Briefings(session)
        self.compositions = Compositions(session)
        self.members = Members(session)
        self.concerns = Concerns(session)
        self.ideas = Ideas(session)
        self.constraints = Constraints(session)
        self.reassurance_steps = ReassuranceSteps(session)
        self.shared_visions = SharedVisions(session)
        self.interventions = Interventions(session)
        self.keep_marks = KeepMarks(session)
        self.phase_openings = PhaseOpenings(session)
        self.moderations = Moderations(session)
        self.transfers = Transfers(session)
        self.survey_responses = SurveyResponses(session)
        self.reentries = Reentries(session)
        self.reentry_checks = ReentryChecks(session)
        self.rounds = Rounds(session)
        self.statements = Statements(session)
        self.votes = Votes(session)
        self.analyses = Analyses(session)
        self.sign_in_links = SignInLinks(session)
        self.web_sessions = WebSessions(session)
        self.ids = Ids(session)
        return self

    def connect(self) -> None:
        """Take this transaction's database connection from the pool now, not at its first
        query: the web app does so before a request may wait for a worker thread, so that no
        worker thread ever waits for a connection that a waiting request holds."""
        self.session.connection()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if error is None:
                try:
                    self.session.commit()
                except DBAPIError as refused:
                    self.session.rollback()
                    self._destroy_created_keys()
                    raise StoreRefusal(type(refused.orig).__name__) from refused
                # Only once the rows are gone: a failed commit must leave the data readable.
                for workshop_id in self._doomed_keys:
                    self.store.keys.destroy_workshop_key(workshop_id)
                if self._scrub:
                    self._checkpoint()
            else:
                self.session.rollback()
                self._destroy_created_keys()
        finally:
            self.session.close()

    def scrub_after_commit(self) -> None:
        """Once committed, push deleted rows out of SQLite's write-ahead log too.

        SQLite runs with ``secure_delete`` (freed pages are zeroed), but the WAL still
        holds earlier versions of the pages until a checkpoint; a TRUNCATE checkpoint copies
        the zeroed pages into the database file and empties the WAL. PostgreSQL keeps dead
        rows until vacuumed: there the destroyed key is what makes them unreadable.
        """
        self._scrub = True

    def _checkpoint(self) -> None:
        if self.store.engine.dialect.name != "sqlite":
            return
        with self.store.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def _destroy_created_keys(self) -> None:
        # A workshop created in a failed transaction must not leave its key behind.
        for workshop_id in self._created_keys:
            self.store.keys.destroy_workshop_key(workshop_id)

    def get(self, row_type: type[Row], row_id: UUID | str, what: str | None = None) -> Row:
        """Return the row with ``row_id`` or raise a NotFoundError naming what was sought."""
        try:
            key = row_id if isinstance(row_id, UUID) else UUID(str(row_id))
        except ValueError:
            raise NotFoundError(f"{row_id!r} is not a valid {what or 'record'} id") from None
        row = self.session.get(row_type, key)
        if row is None:
            raise NotFoundError(f"no {what or row_type.__tablename__} with id {row_id}")
        return row

    def find(self, row_type: type[Row], row_id: UUID) -> Row | None:
        """Return the row with ``row_id``, or None when there is none."""
        return self.session.get(row_type, row_id)

    def claim(self, row_type: type[Row], row_id: UUID, stamp: str, at: datetime) -> bool:
        """Set the empty column ``stamp`` of one row to ``at``; say whether this call did it.

        One conditional update whose row count decides: of any number of concurrent claims on
        one row, on SQLite or PostgreSQL, exactly one returns True. The row is not refreshed
        in this session; read what you need before claiming.
        """
        primary = row_type.__mapper__.primary_key[0]
        column = row_type.__mapper__.columns[stamp]
        result = self.session.execute(
            update(row_type)
            .where(primary == row_id, column.is_(None))
            .values({column.key: at})
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def add(self, row: Base, *, flush: bool = True) -> None:
        """Add a row; flush it at once (giving it its id and defaults) unless ``flush`` is
        False, when it is written at the next flush or at commit."""
        self.session.add(row)
        if flush:
            try:
                self.session.flush()
            except DBAPIError as refused:
                # A write that loses a race to a unique constraint is refused here, as it
                # would be at commit: the transaction rolls back and the caller hears why.
                raise StoreRefusal(type(refused.orig).__name__) from refused

    def add_sealed(self, workshop_id: UUID, row: Row, **plain: str | None) -> Row:
        """Give a new row its id, seal each named column's text, add the row and return it.

        ``plain`` maps sealed columns (``text_enc=...``) to their plain text; a column given
        None stays empty. Each is sealed with the workshop's key under the context the store
        derives from the row type, the column and the id.
        """
        if getattr(row, "id", None) is None:
            row.id = new_id()  # type: ignore[attr-defined]
        for column, text in plain.items():
            if text is not None:
                self.seal_field(workshop_id, row, column, text)
        self.add(row)
        return row

    def lock(self, row: Base) -> None:
        """Read ``row`` again and hold it until this transaction ends (FOR UPDATE on
        PostgreSQL; on SQLite, the database's one write lock). Used where two requests must
        not interleave: a contribution sealed under a pending key while a pruning destroys it,
        two first contributions each making a pending key, two facilitators opening phases.
        """
        connection = self.session.connection()
        if connection.dialect.name == "sqlite":
            # The sqlite3 driver begins a transaction only at its first write, so what was
            # read before it may be changed by another writer meanwhile: take the write lock
            # now (waiting up to the busy timeout) and read the row again under it.
            driver = connection.connection.driver_connection
            if driver is not None and not driver.in_transaction:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
        self.session.refresh(row, with_for_update=True)

    def sealing_scope(self, workshop: WorkshopRow) -> UUID:
        """Return the key a new joint contribution of ``workshop`` is sealed under: the
        workshop's own, or in keep-only-endorsed mode its pending key (made now if none)."""
        if not workshop.keep_only_endorsed:
            return workshop.id
        self.lock(workshop)
        if workshop.pending_key_id is None:
            workshop.pending_key_id = new_id()
            self.store.keys.create_workshop_key(workshop.pending_key_id, kind="pending")
            self._created_keys.append(workshop.pending_key_id)
        return workshop.pending_key_id

    def add_contribution(self, workshop: WorkshopRow, row: Row, **plain: str | None) -> Row:
        """Add a joint contribution (a row with ``sealed_under``), sealed as its workshop
        keeps them (:meth:`sealing_scope`)."""
        scope = self.sealing_scope(workshop)
        row.sealed_under = None if scope == workshop.id else scope  # type: ignore[attr-defined]
        return self.add_sealed(scope, row, **plain)

    def reseal(self, workshop_id: UUID, row: Base, scope: UUID, *columns: str) -> None:
        """Seal a contribution's columns again under ``scope`` (the workshop's own key, or
        its pending key); ``sealed_under`` follows."""
        texts = {column: self.open_optional(workshop_id, row, column) for column in columns}
        row.sealed_under = None if scope == workshop_id else scope  # type: ignore[attr-defined]
        for column, text in texts.items():
            if text is not None:
                self.seal_field(scope, row, column, text)

    def seal_field(self, workshop_id: UUID, row: Base, column: str, text: str) -> None:
        """Seal ``text`` into one column of a row that has its id."""
        sealed = self.cipher(workshop_id).encrypt(text, context_of(row, column))
        setattr(row, column, sealed)

    def read_name(self, actor: str, record_type: str, workshop_id: UUID, row: Base) -> str:
        """Open a person's sealed name, writing the read to the audit trail first."""
        self.audit(actor, "read-identity", record_type, row.id, workshop_id)  # type: ignore[attr-defined]
        return self.open_field(workshop_id, row, "name_enc")

    def open_field(self, workshop_id: UUID, row: Base, column: str) -> str:
        """Return the plain text of one sealed column of a row."""
        text = self.open_optional(workshop_id, row, column)
        if text is None:
            raise ValueError(f"{type(row).__name__}.{column} of {row!r} holds nothing sealed")
        return text

    def open_optional(self, workshop_id: UUID, row: Base, column: str) -> str | None:
        """Return the plain text of one sealed column of a row, or None when it is empty."""
        token: bytes | None = getattr(row, column)
        if token is None:
            return None
        scope = getattr(row, "sealed_under", None) or workshop_id
        return self.cipher(scope).decrypt(token, context_of(row, column))

    def remove(self, *rows: Base) -> None:
        """Delete rows (and, through the database's cascades, what belongs to them)."""
        for row in rows:
            self.session.delete(row)
        self.session.flush()

    def new_conflict_key(self, conflict_id: UUID) -> None:
        """Create a conflict's data key (its context, diagnosis and ripeness evidence are
        sealed with it); it is destroyed again if this transaction fails."""
        self.store.keys.create_workshop_key(conflict_id, kind="conflicts")
        self._created_keys.append(conflict_id)

    def new_workshop_key(self, workshop_id: UUID) -> None:
        """Create a workshop's data key; it is destroyed again if this transaction fails."""
        self.store.keys.create_workshop_key(workshop_id)
        self._created_keys.append(workshop_id)

    def destroy_key_after_commit(self, workshop_id: UUID) -> None:
        """Destroy a workshop's data key once this transaction has committed."""
        self._doomed_keys.append(workshop_id)

    def has_data_key(self, scope_id: UUID) -> bool:
        """Say whether a workshop's (or conflict's) data key is in the keys folder."""
        return self.store.keys.has_key(scope_id)

    def cipher(self, workshop_id: UUID) -> FieldCipher:
        """Return the field cipher of one workshop."""
        if workshop_id not in self._ciphers:
            self._ciphers[workshop_id] = FieldCipher(self.store.keys.workshop_key(workshop_id))
        return self._ciphers[workshop_id]

    def audit(
        self,
        actor: str,
        action: str,
        record_type: str,
        record_id: UUID | str,
        workshop_id: UUID | None = None,
    ) -> None:
        """Record who did what to which record, never the data itself."""
        self.session.add(
            AuditRow(
                at=now(),
                actor=actor,
                action=action,
                record_type=record_type,
                record_id=str(record_id),
                workshop_id=workshop_id,
            )
        )

    def audit_trail(self, workshop_id: UUID | None = None) -> list[AuditRow]:
        """Return the audit trail (of one workshop, or all of it) in the order written."""
        statement = select(AuditRow).order_by(AuditRow.id)
        if workshop_id is not None:
            statement = statement.where(AuditRow.workshop_id == workshop_id)
        return list(self.session.scalars(statement))
