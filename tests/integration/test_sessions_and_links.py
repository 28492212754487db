"""Sessions kept in the store and sign-in links, on each backend: a session is found by the
hash of its id alone, ends on sign-out and at its deadlines, and is swept away after; a
person's new link voids their own earlier unused links and no one else's.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import func, select, update

from tests.integration.test_crowds import all_at_once
from tracktwo.demo import build_demo
from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.errors import AccessDenied, NotFoundError
from tracktwo.services import recruitment, signin, web_sessions, workshops
from tracktwo.services.transaction import run
from tracktwo.services.web_sessions import SessionPolicy, StartedSession
from tracktwo.store.database import Store
from tracktwo.store.models import AuditRow, SignInLinkRow, WebSessionRow
from tracktwo.store.unit_of_work import now

OPERATOR = Actor.operator()
POLICY = SessionPolicy()


@pytest.fixture
def island(store: Store) -> tuple[Store, Any]:
    return store, build_demo(store, seed=7)


def _count(store: Store, row_type: type, *where: Any) -> int:
    with store.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(row_type).where(*where)) or 0


def _lead(store: Store, workshop: UUID) -> Actor:
    return Actor.facilitator(run(store, workshops.facilitators_of, OPERATOR, workshop)[0], workshop)


def _link(store: Store, workshop: UUID, kind: ActorKind, subject: UUID | str) -> str:
    return run(
        store,
        signin.create_link,
        OPERATOR,
        workshop,
        kind=kind,
        subject_id=UUID(str(subject)),
    ).token


def test_a_session_is_found_by_the_hash_of_its_id_and_ends_on_sign_out(island: tuple) -> None:
    store, ids = island
    actor = _lead(store, ids.first_workshop)
    started: StartedSession = run(store, web_sessions.start, actor, POLICY)
    assert run(store, web_sessions.resolve, started.token, POLICY) == started.session
    assert started.session.actor == actor
    digest = hashlib.sha256(started.token.encode()).hexdigest()
    with store.engine.connect() as connection:
        rows = connection.execute(select(WebSessionRow)).all()
    assert [row.id_hash for row in rows] == [digest]
    assert not any(started.token in str(cell) for row in rows for cell in row)
    assert run(store, web_sessions.resolve, started.token[:-1] + "x", POLICY) is None
    assert run(store, web_sessions.end, started.token) is True
    assert run(store, web_sessions.resolve, started.token, POLICY) is None
    assert _count(store, WebSessionRow) == 0


def test_sessions_found_together_answer_each_id_in_order(island: tuple) -> None:
    store, ids = island
    actors = [_lead(store, ids.first_workshop), _lead(store, ids.next_workshop)]
    first, second = (run(store, web_sessions.start, actor, POLICY) for actor in actors)
    ended = run(store, web_sessions.start, actors[0], POLICY)
    run(store, web_sessions.end, ended.token)
    tokens = [second.token, "unknown", first.token, "x" * 500, ended.token, "", second.token]
    found = run(store, web_sessions.resolve_many, tokens, POLICY)
    assert found == [second.session, None, first.session, None, None, None, second.session]


def test_expired_sessions_are_refused_then_swept_by_the_next_sign_in(island: tuple) -> None:
    store, ids = island
    actor = _lead(store, ids.first_workshop)
    idle = run(store, web_sessions.start, actor, POLICY)
    absolute = run(store, web_sessions.start, actor, POLICY)
    live = run(store, web_sessions.start, actor, POLICY)
    past = now() - timedelta(seconds=1)
    with store.engine.begin() as connection:
        for started, values in (
            (idle, {"idle_until": past}),
            (absolute, {"expires_at": past, "idle_until": past}),
        ):
            digest = hashlib.sha256(started.token.encode()).hexdigest()
            connection.execute(
                update(WebSessionRow).where(WebSessionRow.id_hash == digest).values(**values)
            )
    assert run(store, web_sessions.resolve, idle.token, POLICY) is None
    assert run(store, web_sessions.resolve, absolute.token, POLICY) is None
    assert run(store, web_sessions.resolve, live.token, POLICY) is not None
    assert _count(store, WebSessionRow) == 3, "refused, not yet swept"
    run(store, web_sessions.start, actor, POLICY)
    assert _count(store, WebSessionRow) == 2, "the two expired ones went"
    assert run(store, web_sessions.resolve, live.token, POLICY) is not None


def test_a_shorter_policy_applies_to_sessions_already_started(island: tuple) -> None:
    store, ids = island
    started = run(store, web_sessions.start, _lead(store, ids.first_workshop), POLICY)
    earlier = now() - timedelta(minutes=20)
    with store.engine.begin() as connection:
        connection.execute(update(WebSessionRow).values(created_at=earlier, last_seen_at=earlier))
    short_idle = SessionPolicy(idle=timedelta(minutes=15), absolute=timedelta(hours=12))
    assert run(store, web_sessions.resolve, started.token, short_idle) is None
    short_life = SessionPolicy(idle=timedelta(hours=4), absolute=timedelta(minutes=10))
    assert run(store, web_sessions.resolve, started.token, short_life) is None
    assert run(store, web_sessions.resolve, started.token, POLICY) is not None


def test_destroying_a_workshop_ends_its_sessions(island: tuple) -> None:
    store, ids = island
    started = run(store, web_sessions.start, _lead(store, ids.next_workshop), POLICY)
    kept = run(store, web_sessions.start, _lead(store, ids.first_workshop), POLICY)
    run(store, workshops.destroy_workshop, OPERATOR, ids.next_workshop)
    assert run(store, web_sessions.resolve, started.token, POLICY) is None
    assert run(store, web_sessions.resolve, kept.token, POLICY) is not None
    assert _count(store, WebSessionRow) == 1


def test_only_people_who_sign_in_get_sessions(island: tuple) -> None:
    store, ids = island
    with pytest.raises(AccessDenied):
        run(store, web_sessions.start, OPERATOR, POLICY)
    with pytest.raises(AccessDenied, match="names a round"):
        run(
            store,
            web_sessions.start,
            _lead(store, ids.first_workshop),
            POLICY,
            round_id=ids.feedback_round,
        )


def test_parallel_sign_ins_sweep_expired_sessions_without_waiting_on_each_other(
    island: tuple,
) -> None:
    store, ids = island
    actor = _lead(store, ids.first_workshop)
    for _ in range(30):
        run(store, web_sessions.start, actor, POLICY)
    with store.engine.begin() as connection:
        connection.execute(update(WebSessionRow).values(idle_until=now() - timedelta(seconds=1)))
    outcomes = all_at_once(20, lambda: run(store, web_sessions.start, actor, POLICY))
    assert all(isinstance(o, StartedSession) for o in outcomes), outcomes
    assert _count(store, WebSessionRow) == 20


def test_a_members_new_link_voids_their_older_unused_links_and_no_one_elses(
    island: tuple,
) -> None:
    store, ids = island
    workshop = ids.first_workshop
    members = run(store, recruitment.members, OPERATOR, workshop)
    one, other = members[0].member_id, members[1].member_id
    used = _link(store, workshop, ActorKind.PARTICIPANT, one)
    run(store, signin.redeem, used)
    older = _link(store, workshop, ActorKind.PARTICIPANT, one)
    others = _link(store, workshop, ActorKind.PARTICIPANT, other)
    newer = _link(store, workshop, ActorKind.PARTICIPANT, one)
    with pytest.raises(AccessDenied):
        run(store, signin.redeem, older)
    assert run(store, signin.redeem, newer).id == one
    assert run(store, signin.redeem, others).id == other
    used_id = UUID(used.partition(".")[0])
    assert _count(store, SignInLinkRow, SignInLinkRow.id == used_id) == 1, "used links stay"
    voids = _count(store, AuditRow, AuditRow.action == "void-participant-links")
    assert voids == 1


def test_a_facilitators_new_link_voids_only_that_facilitators_older_one(island: tuple) -> None:
    store, ids = island
    workshop = ids.first_workshop
    lead, second = run(store, workshops.facilitators_of, OPERATOR, workshop)
    leads_older = _link(store, workshop, ActorKind.FACILITATOR, lead)
    seconds_older = _link(store, workshop, ActorKind.FACILITATOR, second)
    chosen = run(store, signin.find_facilitator, OPERATOR, workshop, "Prof. Tobias Wren")
    assert chosen == second
    newer = _link(store, workshop, ActorKind.FACILITATOR, chosen)
    with pytest.raises(AccessDenied):
        run(store, signin.redeem, seconds_older)
    assert run(store, signin.redeem, newer).id == str(second)
    assert run(store, signin.redeem, leads_older).id == str(lead)


def test_a_facilitator_is_named_by_id_lead_or_name_each_name_read_audited(
    island: tuple,
) -> None:
    store, ids = island
    workshop = ids.first_workshop
    lead, second = run(store, workshops.facilitators_of, OPERATOR, workshop)
    find = signin.find_facilitator
    assert run(store, find, OPERATOR, workshop, "lead") == lead
    assert run(store, find, OPERATOR, workshop, str(second)) == second
    reads = _count(store, AuditRow, AuditRow.action == "read-identity")
    assert run(store, find, OPERATOR, workshop, "  dr. maren HOLLOWAY ") == lead
    assert _count(store, AuditRow, AuditRow.action == "read-identity") == reads + 2
    with pytest.raises(NotFoundError):
        run(store, find, OPERATOR, workshop, "Nobody Here")
    other = run(store, workshops.facilitators_of, OPERATOR, ids.next_workshop)[0]
    with pytest.raises(NotFoundError):
        run(store, find, OPERATOR, workshop, str(other))
    with pytest.raises(AccessDenied):
        run(store, find, _lead(store, ids.next_workshop), workshop, "lead")
