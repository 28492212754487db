"""Hypothesis confirmation: how much of a change in the individual image reaches the group.

Seed 4.3, fourth point: 'contradictory information may be re-interpreted to confirm
negative images about the other side. At best, individual change may occur.' Rothbart &
John (1985) showed why: a member who disconfirms the stereotype is set apart as an
exception (subtyped), the more so the stronger the stereotype.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from tracktwo.engines.simulation.parameters import HypothesisConfirmationParameters


def generalised_share(
    group_image: NDArray[np.float32], parameters: HypothesisConfirmationParameters, *, on: bool
) -> NDArray[np.float32]:
    """Return the share of contact's effect that reaches the image of the group.

    ``generalisation * (1 - strength * negativity)`` with ``negativity = (1 - g) / 2`` of
    the prior group image ``g`` (0 at the warmest, 1 at the most hostile); without
    hypothesis confirmation it is ``generalisation`` for everyone.
    """
    share = np.float32(parameters.generalisation)
    if not on:
        return np.full(group_image.shape, share, dtype=np.float32)
    negativity = (np.float32(1.0) - group_image) * np.float32(0.5)
    return share * (np.float32(1.0) - np.float32(parameters.strength) * negativity)
