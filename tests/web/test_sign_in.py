"""Sign-in links work once, sessions end on sign-out, forms need their CSRF token."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from tests.web.conftest import OPERATOR, Served, facilitator_token, member_token, signed_in
from tracktwo.domain.actors import ActorKind
from tracktwo.services import signin, workshops
from tracktwo.services.transaction import run


def test_a_sign_in_link_works_once(served: Served) -> None:
    token = facilitator_token(served, served.ids.first_workshop)
    first = served.client().get(f"/signin/{token}")
    assert first.status_code == 303
    assert first.headers["location"].endswith("/console")
    again = served.client().get(f"/signin/{token}")
    assert again.status_code == 403


def test_a_tampered_or_expired_link_is_refused(served: Served) -> None:
    token = facilitator_token(served, served.ids.first_workshop)
    link_id, _, secret = token.partition(".")
    assert served.client().get(f"/signin/{link_id}.{secret[::-1]}").status_code == 403
    assert served.client().get("/signin/not-a-link").status_code == 403
    lead = run(served.store, workshops.facilitators_of, OPERATOR, served.ids.first_workshop)[0]
    expired = run(
        served.store,
        signin.create_link,
        OPERATOR,
        served.ids.first_workshop,
        kind=ActorKind.FACILITATOR,
        subject_id=lead,
        lifetime=timedelta(seconds=-1),
    )
    assert served.client().get(f"/signin/{expired.token}").status_code == 403


def test_only_a_hash_of_the_link_secret_is_stored(served: Served) -> None:
    token = facilitator_token(served, served.ids.first_workshop)
    secret = token.partition(".")[2]
    raw = b"".join(
        p.read_bytes() for p in served.store.data_dir.iterdir() if p.name.startswith("tracktwo.db")
    )
    assert secret.encode() not in raw
    assert b"$argon2id$" in raw


def test_a_participant_lands_in_the_joint_space_and_can_sign_out(served: Served) -> None:
    member = served.members[sorted(served.members)[0]][0]
    client = signed_in(served, member_token(served, served.ids.first_workshop, member.member_id))
    workshop = served.ids.first_workshop
    assert client.get(f"/w/{workshop}/joint").status_code == 200
    assert client.post("/signout").status_code == 303
    assert client.get(f"/w/{workshop}/joint").status_code == 401


def test_a_form_without_its_csrf_token_is_refused(served: Served) -> None:
    member = served.members[sorted(served.members)[0]][0]
    client = signed_in(served, member_token(served, served.ids.first_workshop, member.member_id))
    del client.headers["X-CSRF-Token"]
    answer = client.post(
        f"/w/{served.ids.first_workshop}/concerns", data={"kind": "need", "text": "forged"}
    )
    assert answer.status_code == 403
    answer = client.post(
        f"/w/{served.ids.first_workshop}/concerns",
        data={"kind": "need", "text": "forged", "csrf_token": "wrong"},
    )
    assert answer.status_code == 403


def test_a_respondent_enters_through_the_community_link_only(served: Served) -> None:
    client = served.client()
    assert client.get("/r/guessed").status_code == 403
    answer = client.get(f"/r/{served.round_links[sorted(served.round_links)[0]]}")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/rounds/{served.round_id}"
    page = client.get(answer.headers["location"])
    assert page.status_code == 200
    assert "Agree" in page.text
    assert client.get(f"/w/{served.ids.first_workshop}/joint").status_code == 403
    assert UUID(str(served.round_id))
