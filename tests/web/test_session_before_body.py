"""Who is asking is decided before a body is read: a form sent without a live session gets
401 even when the form itself could not be parsed."""

from __future__ import annotations

from tests.web.conftest import Served, facilitator_token, signed_in

# A multipart body whose boundary never appears: parsing it fails.
BROKEN = {"content-type": "multipart/form-data; boundary=nothing-here"}


def test_a_body_without_a_session_is_refused_before_it_is_parsed(served: Served) -> None:
    workshop = served.ids.first_workshop
    url = f"/w/{workshop}/release"
    nobody = served.client().post(url, content=b"--garbage--", headers=BROKEN)
    assert nobody.status_code == 401, nobody.text
    assert nobody.headers.get("connection") == "close"  # the body is never drained
    stale = served.client()
    stale.cookies.set("tracktwo_session", "a" * 43)
    assert stale.post(url, content=b"--garbage--", headers=BROKEN).status_code == 401
    # signed in, the same body reaches the form parser and the route's own checks
    facilitator = signed_in(served, facilitator_token(served, workshop))
    parsed = facilitator.post(url, content=b"--garbage--", headers=BROKEN)
    assert parsed.status_code not in (401, 500)
    # signing out needs no session: a signed-out browser's sign-out still goes home
    assert served.client().post("/signout", data={"x": "1"}).status_code == 303
