"""A rate limit per respondent, never per community link, decided before the body is read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.conftest import Served, respondent_client
from tracktwo.errors import ConfigurationError
from tracktwo.web.limits import PRUNE_AT, RespondentLimits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(served: Served) -> Iterator[Clock]:
    """Three requests at once, then one a second, on a clock the test moves."""
    app = served.app
    kept = app.state.respondent_limits  # type: ignore[attr-defined]
    ticking = Clock()
    app.state.respondent_limits = RespondentLimits(rate=1, burst=3, clock=ticking)  # type: ignore[attr-defined]
    yield ticking
    app.state.respondent_limits = kept  # type: ignore[attr-defined]


def test_a_respondent_past_the_burst_waits_and_others_on_the_same_link_do_not(
    served: Served, clock: Clock
) -> None:
    community = sorted(served.round_links)[0]
    hasty, neighbour = respondent_client(served, community), respondent_client(served, community)
    page = f"/rounds/{served.round_id}"
    # entering took one request of each bucket (the round page after the link)
    assert [hasty.get(page).status_code for _ in range(2)] == [200, 200]
    refused = hasty.get(page)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
    assert "wait a moment" in refused.text
    # the same community link, another ballot: never throttled by the link
    assert neighbour.get(page).status_code == 200
    # the limit is decided before the body is read: a malformed ballot gets 429, not 422
    votes = f"/api/rounds/{served.round_id}/votes"
    assert hasty.post(votes, content=b"{not json").status_code == 429
    clock.now += 1.0
    assert hasty.post(votes, content=b"{not json").status_code == 422
    assert hasty.get(page).status_code == 429


def test_the_limit_is_configured_and_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKTWO_RESPONDENT_RATE", "2.5")
    monkeypatch.setenv("TRACKTWO_RESPONDENT_BURST", "4")
    limits = RespondentLimits.from_environment()
    assert (limits.rate, limits.burst) == (2.5, 4)
    monkeypatch.setenv("TRACKTWO_RESPONDENT_RATE", "0")
    off = RespondentLimits.from_environment()
    assert not off.enabled and all(off.take("r") == 0 for _ in range(1000))
    monkeypatch.setenv("TRACKTWO_RESPONDENT_RATE", "fast")
    with pytest.raises(ConfigurationError, match="TRACKTWO_RESPONDENT_RATE='fast'"):
        RespondentLimits.from_environment()
    with pytest.raises(ConfigurationError, match=">= 0"):
        RespondentLimits(rate=-1)
    with pytest.raises(ConfigurationError, match="at least 1"):
        RespondentLimits(burst=0)


def test_idle_buckets_are_dropped_so_memory_stays_bounded() -> None:
    clock = Clock()
    limits = RespondentLimits(rate=10, burst=5, clock=clock)
    for number in range(PRUNE_AT):
        assert limits.take(f"r{number}") == 0
    clock.now += 1.0  # every bucket is full again
    assert limits.take("newcomer") == 0
    assert len(limits._buckets) == 1
