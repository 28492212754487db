"""Keep only what both parties endorse: kept contributions stay readable, the rest leave no trace.

On SQLite the destroyed rows' texts and their sealed bytes (captured before) are absent from
the database file and its WAL; on PostgreSQL, whose files keep dead rows until vacuumed, the
pending key is destroyed, so the ciphertext a dump taken before holds cannot be opened.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import update

from tests.integration.conftest import enter_phase
from tracktwo.demo import build_demo
from tracktwo.domain.actors import Actor
from tracktwo.errors import AccessDenied, ConfidentialityError, ValidationError
from tracktwo.services import phases, record, recruitment, retention
from tracktwo.services.transaction import run
from tracktwo.store.database import Store
from tracktwo.store.keys import FieldCipher
from tracktwo.store.models import ConcernRow, ConstraintRow, IdeaRow, WorkshopRow

OPERATOR = Actor.operator()
KEPT_CONCERN = "we fear losing the right to teach in our own language"
GONE_CONCERN = "the other side's mayor cannot be trusted with the water works"
KEPT_IDEA = "a joint commission on school curricula with a rotating chair"
GONE_IDEA = "hand the port to the north for ten years"
KEPT_CONSTRAINT = "no leader can be seen meeting the other side before the elections"
GONE_CONSTRAINT = "our diaspora funds the hardliners and watches every word"


def _raw(folder: Path) -> bytes:
    return b"".join(
        path.read_bytes() for path in sorted(folder.iterdir()) if path.name.startswith("tracktwo")
    )


@pytest.fixture
def session(store: Store) -> dict[str, Any]:
    """The demo's first workshop switched to keep-only-endorsed, and one joint session's
    worth of contributions: some both parties endorse, some not."""
    ids = build_demo(store, seed=7)
    workshop = ids.first_workshop
    with store.engine.begin() as connection:
        connection.execute(
            update(WorkshopRow).where(WorkshopRow.id == workshop).values(keep_only_endorsed=True)
        )
    members = run(store, recruitment.members, OPERATOR, workshop)
    by_party: dict[str, list[Actor]] = {}
    for m in members:
        by_party.setdefault(m.party, []).append(
            Actor.participant(UUID(m.member_id), workshop, UUID(m.party_id))
        )
    north, south = (by_party[p] for p in sorted(by_party))
    enter_phase(store, workshop, "analysis")
    kept_concern = run(store, phases.state_concern, north[0], workshop, kind="fear",
                       text=KEPT_CONCERN)  # fmt: skip
    gone_concern = run(store, phases.state_concern, south[0], workshop, kind="fear",
                       text=GONE_CONCERN)  # fmt: skip
    ack = run(store, phases.acknowledge_concern, south[0], kept_concern,
              restatement="you fear your children will lose their language")  # fmt: skip
    run(store, phases.confirm_acknowledgement, north[0], ack, satisfied=True)
    enter_phase(store, workshop, "problem-solving")
    kept_idea = run(store, phases.propose_idea, north[0], workshop, text=KEPT_IDEA,
                    answers=[kept_concern])  # fmt: skip
    gone_idea = run(store, phases.propose_idea, south[0], workshop, text=GONE_IDEA,
                    answers=[kept_concern])  # fmt: skip
    for person in (*north, *south):
        run(store, phases.rate_idea, person, kept_idea, value=5)
        run(store, phases.rate_idea, person, gone_idea, value=5 if person in north else 1)
    enter_phase(store, workshop, "constraints")
    kept_constraint = run(store, phases.name_constraint, north[1], workshop, kind="political",
                          text=KEPT_CONSTRAINT)  # fmt: skip
    gone_constraint = run(store, phases.name_constraint, south[1], workshop, kind="political",
                          text=GONE_CONSTRAINT)  # fmt: skip
    for person in (north[0], south[0]):
        run(store, record.mark_keep, person, "constraint", kept_constraint)
    run(store, record.mark_keep, south[0], "constraint", gone_constraint)  # one party only
    gone = {
        ConcernRow: gone_concern,
        IdeaRow: gone_idea,
        ConstraintRow: gone_constraint,
    }
    with store.sessions() as db:
        sealed = {
            row_type: (db.get(row_type, row_id).text_enc, db.get(row_type, row_id).sealed_under)
            for row_type, row_id in gone.items()
        }
    return {
        "store": store,
        "workshop": workshop,
        "north": north,
        "south": south,
        "kept": {kept_concern, kept_idea, kept_constraint},
        "gone": gone,
        "sealed": sealed,
    }


def test_pruning_keeps_what_both_endorse_and_destroys_the_rest(session: dict[str, Any]) -> None:
    store, workshop = session["store"], session["workshop"]
    before = run(store, phases.board, OPERATOR, workshop)
    assert before.record is not None and len(before.record.pending) >= 6
    pruning = run(store, record.keep_only_endorsed, OPERATOR, workshop)
    assert pruning.destroyed["concern"] == 1 and pruning.destroyed["idea"] == 1
    assert pruning.destroyed["constraint"] == 1
    reasons = {item.id: item.reason for item in pruning.kept}
    assert {str(i) for i in session["kept"]} <= set(reasons)
    concern = next(i for i in session["kept"] if str(i) in {c.id for c in before.concerns})
    assert "satisfaction" in reasons[str(concern)]
    after = run(store, phases.board, OPERATOR, workshop)
    texts = (
        {c.text for c in after.concerns}
        | {i.text for i in after.ideas}
        | {c.text for c in after.constraints}
    )
    assert {KEPT_CONCERN, KEPT_IDEA, KEPT_CONSTRAINT} <= texts
    assert not {GONE_CONCERN, GONE_IDEA, GONE_CONSTRAINT} & texts
    assert after.record is not None and after.record.pending == []
    assert after.record.last_pruning is not None
    assert after.record.last_pruning["destroyed"]["idea"] == 1
    # The kept ones are under the workshop's own key now; the pending key is gone.
    pending_key = next(iter(session["sealed"].values()))[1]
    with pytest.raises(ConfidentialityError):
        store.keys.workshop_key(pending_key)
    # A second pruning finds nothing pending and destroys nothing.
    again = run(store, record.keep_only_endorsed, OPERATOR, workshop)
    assert sum(again.destroyed.values()) == 0 and again.kept == []


def test_a_copy_taken_before_cannot_open_the_destroyed_contributions(
    session: dict[str, Any],
) -> None:
    """As from a pg_dump or a file copy made before the pruning: the ciphertext is there, its
    key is not."""
    store = session["store"]
    captured = session["sealed"]
    pending_key = next(iter(captured.values()))[1]
    opened = FieldCipher(store.keys.workshop_key(pending_key))
    assert opened.decrypt(captured[IdeaRow][0], f"ideas.text:{session['gone'][IdeaRow]}") == (
        GONE_IDEA
    )
    run(store, record.keep_only_endorsed, OPERATOR, session["workshop"])
    assert not (store.keys.folder / "pending" / f"{pending_key}.key").exists()
    with pytest.raises(ConfidentialityError):
        FieldCipher(store.keys.workshop_key(pending_key))


def test_on_sqlite_the_destroyed_texts_and_their_sealed_bytes_leave_the_file_and_the_wal(
    session: dict[str, Any],
) -> None:
    store = session["store"]
    if store.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL keeps dead rows until vacuumed: its guarantee is the key")
    raw = _raw(store.data_dir)
    for token, _ in session["sealed"].values():
        assert token in raw  # captured ciphertext is really in the file before
    run(store, record.keep_only_endorsed, OPERATOR, session["workshop"])
    raw = _raw(store.data_dir)
    for token, _ in session["sealed"].values():
        assert token not in raw, "a destroyed contribution's ciphertext is still in the file"
    for text in (GONE_CONCERN, GONE_IDEA, GONE_CONSTRAINT):
        assert text.encode() not in raw


def test_only_a_party_marks_for_itself_and_only_a_manager_prunes(session: dict[str, Any]) -> None:
    store, workshop = session["store"], session["workshop"]
    with pytest.raises(AccessDenied):
        run(store, record.keep_only_endorsed, session["north"][0], workshop)
    with pytest.raises(ValidationError, match="record type"):
        run(store, record.mark_keep, session["north"][0], "rumour", session["gone"][IdeaRow])
    with pytest.raises(ValidationError, match="keeps every contribution"):
        run(store, record.keep_only_endorsed, OPERATOR, _plain_workshop(store))


def _plain_workshop(store: Store) -> UUID:
    with store.sessions() as db:
        return next(row.id for row in db.query(WorkshopRow).all() if not row.keep_only_endorsed)


def test_retention_enforce_ends_a_joint_session_that_is_over(session: dict[str, Any]) -> None:
    """The cron job prunes a keep-only-endorsed workshop once its joint session has ended,
    and only once per session."""
    store, workshop = session["store"], session["workshop"]
    first = run(store, retention.enforce, OPERATOR, today=date(2000, 1, 1))
    # The demo's joint sessions are in the past: the pending contributions are judged.
    assert first.pruned == [str(workshop)]
    texts = {c.text for c in run(store, phases.board, OPERATOR, workshop).concerns}
    assert KEPT_CONCERN in texts and GONE_CONCERN not in texts
    again = run(store, retention.enforce, OPERATOR, today=date(2000, 1, 1))
    assert again.pruned == []
