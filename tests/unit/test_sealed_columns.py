"""Every sealed column has its cipher context, and the contexts are those data was sealed with.

The store derives a sealed column's context from the row type, the column and the row id,
from one table. These prefixes were typed by hand in the services before: a prefix that
changes makes every stored value of its column unreadable, so they are listed here.
"""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import LargeBinary

from tracktwo.errors import ConfidentialityError
from tracktwo.store.keys import FieldCipher
from tracktwo.store.models import (
    Base,
    CandidateRow,
    ConflictRow,
    IdeaRow,
    ReassuranceStepRow,
    RoundStatementRow,
)
from tracktwo.store.sealing import CONTEXT_PREFIXES, context_of
from tracktwo.store.unit_of_work import UnitOfWork

# The contexts the data was sealed with (as the services typed them before the store
# derived them, and as migration 0005 sealed the newer columns): (table, column).
CONTEXTS_BEFORE = {
    ("facilitators", "name_enc"): "facilitators.name",
    ("facilitators", "email_enc"): "facilitators.email",
    ("candidates", "name_enc"): "candidates.name",
    ("candidates", "email_enc"): "candidates.email",
    ("candidates", "phone_enc"): "candidates.phone",
    ("candidates", "notes_enc"): "candidates.notes",
    ("briefings", "notes_enc"): "briefings.notes",
    ("concerns", "text_enc"): "concerns.text",
    ("acknowledgements", "restatement_enc"): "acknowledgements.text",
    ("ideas", "text_enc"): "ideas.text",
    ("constraints", "text_enc"): "constraints.text",
    ("reassurance_steps", "actor_enc"): "reassurance.who",
    ("reassurance_steps", "action_enc"): "reassurance.what",
    ("shared_visions", "text_enc"): "visions.text",
    ("reentry_followups", "notes_enc"): "reentry.notes",
    ("transfers", "recipient_enc"): "transfers.recipient",
    ("round_statements", "text_enc"): "statements.text",
    # Sealed by migration 0005 with exactly these contexts.
    ("conflicts", "context_enc"): "conflicts.context",
    ("conflicts", "diagnosis_note_enc"): "conflicts.diagnosis",
    ("ripeness_assessments", "basis_enc"): "ripeness.basis",
    ("workshops", "venue_enc"): "workshops.venue",
    ("sessions", "venue_enc"): "sessions.venue",
    ("reassurance_steps", "when_enc"): "reassurance.when",
    # Sealed from migration 0009 on.
    ("transfers", "reason_enc"): "transfers.reason",
    # Sealed from migration 0010 on.
    ("ripeness_assessments", "assessor_enc"): "ripeness.assessor",
    ("reentry_checks", "mitigation_enc"): "reentry.mitigation",
    # Sealed from migration 0011 on.
    ("moderations", "reason_enc"): "moderations.reason",
}

WORKSHOP = UUID("00000000-0000-4000-8000-000000000001")
KEY = os.urandom(32)


def _sealed_columns() -> set[tuple[type[Base], str]]:
    return {
        (mapper.class_, column.key)
        for mapper in Base.registry.mappers
        for column in mapper.columns
        if column.key.endswith("_enc")
    }


def test_every_sealed_column_of_the_models_has_a_context() -> None:
    assert _sealed_columns() == set(CONTEXT_PREFIXES)


def test_every_column_with_a_context_holds_ciphertext() -> None:
    for row_type, column in CONTEXT_PREFIXES:
        assert isinstance(row_type.__mapper__.columns[column].type, LargeBinary)


def test_the_contexts_are_those_the_data_was_sealed_with() -> None:
    derived = {
        (row_type.__tablename__, column): prefix
        for (row_type, column), prefix in CONTEXT_PREFIXES.items()
    }
    assert derived == CONTEXTS_BEFORE


def test_a_context_names_the_column_and_the_row() -> None:
    row = IdeaRow(id=UUID("12345678-1234-4234-8234-123456789abc"))
    assert context_of(row, "text_enc") == "ideas.text:12345678-1234-4234-8234-123456789abc"
    step = ReassuranceStepRow(id=uuid4())
    assert context_of(step, "actor_enc") == f"reassurance.who:{step.id}"
    assert context_of(step, "action_enc") == f"reassurance.what:{step.id}"


def test_a_column_that_is_not_sealed_or_a_row_without_id_has_no_context() -> None:
    with pytest.raises(KeyError):
        context_of(ConflictRow(id=uuid4()), "name")
    with pytest.raises(KeyError):
        context_of(IdeaRow(id=uuid4()), "carry_action")
    with pytest.raises(ValueError, match="its id"):
        context_of(IdeaRow(), "text_enc")


class _Session:
    """Stands in for a database session: remembers what was added."""

    def __init__(self) -> None:
        self.added: list[Any] = []

    def add(self, row: Any) -> None:
        self.added.append(row)

    def flush(self) -> None:
        pass


def _unit_of_work() -> UnitOfWork:
    store = SimpleNamespace(keys=SimpleNamespace(workshop_key=lambda workshop_id: KEY))
    uow = UnitOfWork(store)  # type: ignore[arg-type]
    uow.session = _Session()  # type: ignore[assignment]
    return uow


def test_a_sealed_row_gets_its_id_and_opens_under_the_context_typed_before() -> None:
    uow = _unit_of_work()
    row = uow.add_sealed(
        WORKSHOP,
        CandidateRow(workshop_id=WORKSHOP),
        name_enc="Arel Varkosi",
        email_enc="arel@example.org",
        phone_enc=None,
    )
    assert uow.session.added == [row]  # type: ignore[attr-defined]
    assert isinstance(row.id, UUID)
    assert row.phone_enc is None
    cipher = FieldCipher(KEY)
    assert cipher.decrypt(row.name_enc, f"candidates.name:{row.id}") == "Arel Varkosi"
    assert cipher.decrypt(row.email_enc or b"", f"candidates.email:{row.id}") == (
        "arel@example.org"
    )
    assert uow.open_field(WORKSHOP, row, "name_enc") == "Arel Varkosi"
    assert uow.open_optional(WORKSHOP, row, "phone_enc") is None


def test_a_value_sealed_by_hand_before_opens_through_the_store() -> None:
    uow = _unit_of_work()
    row = RoundStatementRow(id=uuid4())
    row.text_enc = FieldCipher(KEY).encrypt("a shared police force", f"statements.text:{row.id}")
    assert uow.open_field(WORKSHOP, row, "text_enc") == "a shared police force"


def test_a_sealed_value_moved_to_another_row_does_not_open() -> None:
    uow = _unit_of_work()
    first, second = IdeaRow(id=uuid4()), IdeaRow(id=uuid4())
    uow.seal_field(WORKSHOP, first, "text_enc", "a joint commission")
    second.text_enc = first.text_enc
    with pytest.raises(ConfidentialityError):
        uow.open_field(WORKSHOP, second, "text_enc")
