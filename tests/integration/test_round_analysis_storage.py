"""A stored round analysis holds no statement text anywhere, and each respondent's own place."""

from __future__ import annotations

import json

from tests.planted import OPERATOR, plant_round
from tracktwo.demo import build_demo
from tracktwo.services import feedback
from tracktwo.services.commonground_rounds import analyse_round, my_place_on_the_map
from tracktwo.services.transaction import run
from tracktwo.store.database import Store
from tracktwo.store.unit_of_work import UnitOfWork


def test_no_statement_text_is_stored_with_the_analysis_and_a_respondent_finds_their_place(
    store: Store,
) -> None:
    ids = build_demo(store, seed=7)
    planted = plant_round(store, ids.first_workshop)
    me = run(store, feedback.join_round, planted.links["Sorai community"])
    shown = run(store, feedback.statements, OPERATOR, planted.round_id)
    run(store, feedback.cast_vote_group, [(me, planted.round_id, [(s.id, 1) for s in shown])])
    analysis = run(store, analyse_round, OPERATOR, planted.round_id)
    assert any(g.representative for g in analysis.groups)
    with UnitOfWork(store) as uow:
        stored = json.dumps(uow.analyses.latest(planted.round_id).result)
    for text in (planted.shared, planted.divisive, planted.few_votes):
        assert text not in stored
    assert "positions" not in json.dumps(analysis.to_dict())
    run(store, feedback.set_results_open, OPERATOR, planted.round_id, open_=True)
    place = run(store, my_place_on_the_map, me, planted.round_id)
    assert place is not None and all(0 <= v <= 1 for v in place)
    stranger = run(store, feedback.join_round, planted.links["Ilvan community"])
    assert run(store, my_place_on_the_map, stranger, planted.round_id) is None
