"""One ballot per respondent, on both stores: ballot cookies, invitations, flagged ballots.

A ballot cookie is the browser's random id (:mod:`tracktwo.services.ballots`); here each
"browser" is a token. The web layer's part (the cookie itself, sign-out) is in
tests/web/test_ballots.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import pytest

from tests.integration.conftest import BACKENDS, open_test_store
from tests.integration.test_crowds import all_at_once
from tracktwo.demo import build_demo
from tracktwo.domain.actors import Actor
from tracktwo.errors import AccessDenied, NotFoundError, ValidationError
from tracktwo.services import ballots, feedback, phases
from tracktwo.services.commonground_rounds import analyse_round
from tracktwo.services.transaction import run
from tracktwo.store.database import Store

OPERATOR = Actor.operator()
A, B = "Ilvan community", "Sorai community"


@pytest.fixture(scope="module", params=BACKENDS)
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, Any]]:
    """One demo per store for the module: each test releases rounds of its own."""
    with open_test_store(request.param, tmp_path_factory.mktemp("ballots") / "data") as store:
        yield store, build_demo(store, seed=7)


def release(store: Store, workshop: UUID, mode: str = "open") -> feedback.RoundOpened:
    ideas = [UUID(i.id) for i in run(store, phases.board, OPERATOR, workshop).ideas]
    return run(store, feedback.release_ideas, OPERATOR, workshop, ideas, title="Round", mode=mode)


def vote_all(store: Store, actor: Actor, round_id: UUID, vote: int = 1) -> None:
    shown = run(store, feedback.statements, OPERATOR, round_id)
    run(store, feedback.cast_votes, actor, round_id, [(s.id, vote) for s in shown])


def counted_voters(store: Store, round_id: UUID) -> set[str]:
    return set(run(store, feedback.votes_frame, OPERATOR, round_id)["voter"])


def test_the_same_browser_through_the_same_link_keeps_its_ballot(demo: tuple) -> None:
    store, ids = demo
    opened = release(store, ids.first_workshop)
    browser, other = ballots.new_ballot_token(), ballots.new_ballot_token()
    first = run(store, feedback.join_round, opened.links[A], browser)
    again = run(store, feedback.join_round, opened.links[A], browser)
    stranger = run(store, feedback.join_round, opened.links[A], other)
    assert first.id == again.id != stranger.id
    assert run(store, ballots.flagged_ballots, OPERATOR, opened.round_id) == []


def test_one_browser_through_both_communities_links_is_flagged_and_left_out_until_accepted(
    demo: tuple,
) -> None:
    store, ids = demo
    opened = release(store, ids.first_workshop)
    browser = ballots.new_ballot_token()
    as_a = run(store, feedback.join_round, opened.links[A], browser)
    as_b = run(store, feedback.join_round, opened.links[B], browser)
    honest = run(store, feedback.join_round, opened.links[B], ballots.new_ballot_token())
    for actor in (as_a, as_b, honest):
        vote_all(store, actor, opened.round_id)
    assert as_a.id != as_b.id
    (flag,) = run(store, ballots.flagged_ballots, OPERATOR, opened.round_id)
    assert sorted(flag.communities) == [A, B] and not flag.accepted
    assert "links of Ilvan community and Sorai community" in flag.evidence
    shown = run(store, feedback.statements, OPERATOR, opened.round_id)
    assert flag.votes == [len(shown), len(shown)]
    assert counted_voters(store, opened.round_id) == {honest.id}
    listed = run(store, feedback.rounds, OPERATOR, ids.first_workshop)
    assert next(r for r in listed if r.id == str(opened.round_id)).flagged == 2
    with pytest.raises(NotFoundError):
        run(store, ballots.accept_ballot, OPERATOR, opened.round_id, "deadbeefdead")
    assert run(store, ballots.accept_ballot, OPERATOR, opened.round_id, flag.id) == 2
    assert counted_voters(store, opened.round_id) == {as_a.id, as_b.id, honest.id}
    assert run(store, analyse_round, OPERATOR, opened.round_id).respondents == 3
    trail = [row.action for row in run(store, lambda uow: uow.audit_trail(ids.first_workshop))]
    assert "accept-flagged-ballot" in trail


def test_invitations_are_single_use_and_reopen_only_in_the_browser_that_used_them(
    demo: tuple,
) -> None:
    store, ids = demo
    opened = release(store, ids.first_workshop, mode="invitation")
    assert opened.links == {}
    with pytest.raises(ValidationError, match="by invitation"):
        run(store, feedback.renew_links, OPERATOR, opened.round_id)
    with pytest.raises(ValidationError, match="not a community"):
        run(store, ballots.invite, OPERATOR, opened.round_id, "Nobody", 2)
    with pytest.raises(ValidationError, match="between 1 and"):
        run(store, ballots.invite, OPERATOR, opened.round_id, A, 0)
    first, second = run(store, ballots.invite, OPERATOR, opened.round_id, A, 2)
    browser = ballots.new_ballot_token()
    round_id, actor = run(store, ballots.join_by_invitation, first, browser)
    assert round_id == opened.round_id
    assert run(store, ballots.join_by_invitation, first, browser)[1].id == actor.id
    with pytest.raises(AccessDenied, match="has been used"):
        run(store, ballots.join_by_invitation, first, ballots.new_ballot_token())
    with pytest.raises(AccessDenied, match="not valid"):
        run(store, ballots.join_by_invitation, "not-an-invitation", browser)
    (counts, *_) = run(store, ballots.invitation_counts, OPERATOR, opened.round_id)
    assert (counts.community, counts.issued, counts.used) == (A, 2, 1)
    # the second invitation in the same browser: one cookie behind two ballots
    _, twice = run(store, ballots.join_by_invitation, second, browser)
    (flag,) = run(store, ballots.flagged_ballots, OPERATOR, opened.round_id)
    assert flag.communities == [A, A] and "behind 2 ballots of Ilvan community" in flag.evidence
    assert twice.id != actor.id


def test_an_open_link_does_not_open_a_round_by_invitation(demo: tuple) -> None:
    store, ids = demo
    opened = release(store, ids.first_workshop)
    invited = release(store, ids.first_workshop, mode="invitation")
    with pytest.raises(ValidationError, match="open to its community links"):
        run(store, ballots.invite, OPERATOR, opened.round_id, A, 1)
    run(store, feedback.close_round, OPERATOR, invited.round_id)
    with pytest.raises(ValidationError, match="closed"):
        run(store, ballots.invite, OPERATOR, invited.round_id, A, 1)
    with pytest.raises(ValidationError, match="not one of: open, invitation"):
        release(store, ids.first_workshop, mode="panel")


def test_twelve_browsers_opening_one_invitation_at_once_get_one_ballot(demo: tuple) -> None:
    store, ids = demo
    opened = release(store, ids.first_workshop, mode="invitation")
    (secret,) = run(store, ballots.invite, OPERATOR, opened.round_id, B, 1)
    outcomes = all_at_once(
        12,
        lambda: run(store, ballots.join_by_invitation, secret, ballots.new_ballot_token()),
    )
    entered = [o for o in outcomes if isinstance(o, tuple)]
    refused = [o for o in outcomes if isinstance(o, AccessDenied)]
    assert len(entered) == 1 and len(refused) == 11, outcomes
    assert run(store, lambda uow: uow.rounds.respondent_count(opened.round_id)) == 1


def test_a_thousand_distinct_respondents_through_one_open_link_are_all_counted(
    demo: tuple,
) -> None:
    store, ids = demo
    opened = release(store, ids.first_workshop)
    shown = run(store, feedback.statements, OPERATOR, opened.round_id)

    def respondent(number: int) -> str:
        actor = run(store, feedback.join_round, opened.links[A], ballots.new_ballot_token())
        run(
            store,
            feedback.cast_votes,
            actor,
            opened.round_id,
            [(s.id, 1 if (number + i) % 3 else -1) for i, s in enumerate(shown)],
        )
        return actor.id

    with ThreadPoolExecutor(max_workers=8) as pool:
        voters = set(pool.map(respondent, range(1000)))
    assert len(voters) == 1000
    assert counted_voters(store, opened.round_id) == voters
    assert run(store, ballots.flagged_ballots, OPERATOR, opened.round_id) == []
    assert run(store, analyse_round, OPERATOR, opened.round_id).respondents == 1000
