"""Readiness to negotiate, and the cap a real clash of interests puts on it.

Seed 4.3, second point: conflict may 'arise out of real, rather than perceived, clash of
interests. In these cases, cognitive changes or changes in perceptions may have limited
utility'. Perceptions can therefore lift readiness only up to ``1 - clash_share``; the
rest needs the stalemate's push (Zartman) or a formula on the substance.
"""

from __future__ import annotations

from tracktwo.engines.simulation.parameters import ReadinessParameters


def perception(
    decision_maker_ideas: float,
    decision_maker_image: float,
    public_image: float,
    readiness: ReadinessParameters,
) -> float:
    """Return a side's perception that a negotiated solution is within reach (0..1).

    A weighted mean of decision-makers' ideas and of decision-makers' and the public's
    image of the other group rescaled from -1..1 to 0..1 (seed 4.1: lasting peace needs
    'the support and cooperation of the public itself').
    """
    return (
        readiness.ideas_weight * decision_maker_ideas
        + readiness.decision_maker_image_weight * (decision_maker_image + 1.0) / 2.0
        + readiness.public_image_weight * (public_image + 1.0) / 2.0
    )


def perception_cap(readiness: ReadinessParameters, *, interests: bool) -> float:
    """Return the most that perceptions can contribute: ``1 - clash_share``, or 1."""
    return 1.0 - readiness.clash_share if interests else 1.0


def readiness_to_negotiate(
    hurting: float, perceived: float, readiness: ReadinessParameters, *, interests: bool
) -> float:
    """Return ``push_weight * hurting + (1 - push_weight) * min(perception, cap)``."""
    capped = min(perceived, perception_cap(readiness, interests=interests))
    return readiness.push_weight * hurting + (1.0 - readiness.push_weight) * capped


def breakdown_hazard(
    lowest_readiness: float, readiness: ReadinessParameters, *, interests: bool
) -> float:
    """Return the daily chance that a negotiation under way breaks down.

    ``breakdown_rate * (1 - r) * (1 + clash) / 2`` with ``r`` the lower side's readiness
    (clipped to 0..1) and ``clash`` the clash of interests (0 without that mechanism): a
    side barely ready walks out more easily, and a real clash of interests gives it more to
    walk out over (seed 4.3, second point).
    """
    clash = readiness.clash_share if interests else 0.0
    unready = 1.0 - min(1.0, max(0.0, lowest_readiness))
    return readiness.breakdown_rate * unready * (1.0 + clash) / 2.0
