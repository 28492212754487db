"""The compiled day: the same bits as the numpy day, on the same seeds."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from tracktwo.engines.simulation import ModelParameters, Programme, Simulation, fused
from tracktwo.engines.simulation.experiment import with_societies
from tracktwo.engines.simulation.fused import (
    ENDS,
    PIECE,
    REACH,
    SLOTS,
    BandDay,
    CompactNetwork,
    block_sums,
    count_bins,
)
from tracktwo.engines.simulation.mechanisms import influence, trust
from tracktwo.engines.simulation.mechanisms.transfer import transfer_to_decision_makers
from tracktwo.engines.simulation.mechanisms.trust import TrustDynamics
from tracktwo.engines.simulation.parameters import (
    HypothesisConfirmationParameters,
    TransferParameters,
    TrustParameters,
)
from tracktwo.engines.simulation.population import build_population
from tracktwo.engines.simulation.recording import BINS
from tracktwo.engines.simulation.state import AgentState

SMALL = with_societies(ModelParameters(), members=3000, elite_share=0.02, decision_makers=10)
BUSY = Programme(workshops=3, first_step=4, interval=12, participants_per_party=12)


def _run(parameters: ModelParameters, *, compiled: bool) -> Simulation:
    simulation = Simulation(parameters, BUSY, seed=11, compiled=compiled)
    simulation.advance(60)
    return simulation


@pytest.mark.parametrize(
    ("fading", "threads"),
    [(0.0, False), (0.02, False), (0.0, True)],
    ids=["plain", "fading", "two-threads"],
)
def test_the_compiled_day_gives_the_numpy_days_run_bit_for_bit(
    monkeypatch: pytest.MonkeyPatch, fading: float, threads: bool
) -> None:
    # the numpy day of a large network: two real sparse products, as the compiled day sums
    monkeypatch.setattr(influence, "PACKED_LIMIT", 0)
    if threads:
        # as at a million members: every pass split between two threads
        monkeypatch.setattr(fused, "SPLIT_FROM", 0)
    parameters = replace(
        SMALL,
        social_influence=replace(SMALL.social_influence, conviction_decay=fading),
    )
    numpy_day = _run(parameters, compiled=False)
    compiled_day = _run(parameters, compiled=True)
    assert len(compiled_day._compiled._parts) == 6  # the pieces of 1,024 of 6,000 members
    assert compiled_day.participants.size > 0
    assert compiled_day._extended is not None and compiled_day._extended.active
    for name in ("attitudes", "ideas", "influence", "weight_sum", "trust", "tie"):
        assert np.array_equal(getattr(numpy_day.state, name), getattr(compiled_day.state, name)), (
            name
        )
    numpy_result, compiled_result = numpy_day.result(), compiled_day.result()
    pd.testing.assert_frame_equal(numpy_result.images, compiled_result.images, check_exact=True)
    pd.testing.assert_frame_equal(
        numpy_result.societies, compiled_result.societies, check_exact=True
    )
    assert numpy_result.negotiation_step == compiled_result.negotiation_step


@pytest.mark.parametrize(
    ("fading", "threshold"),
    [(0.0, None), (0.02, None), (0.0, 0.2)],
    ids=["plain", "fading", "talks"],
)
def test_the_band_day_gives_the_numpy_days_run_bit_for_bit(
    fading: float, threshold: float | None
) -> None:
    # a small world packed into a band: by default its day runs compiled (the band, trust,
    # marginalisation and everyday contact), against the numpy day of the same band
    parameters = replace(
        SMALL,
        social_influence=replace(SMALL.social_influence, conviction_decay=fading),
    )
    if threshold is not None:
        # talks that open within the run and break down (trust's official signals, costs)
        readiness = replace(parameters.readiness, threshold=threshold, breakdown_rate=0.3)
        parameters = replace(parameters, readiness=readiness)
    numpy_day = Simulation(parameters, BUSY, seed=11, compiled=False)
    band_day = Simulation(parameters, BUSY, seed=11)
    assert isinstance(band_day._compiled, BandDay)
    assert numpy_day._compiled is None and numpy_day._network.band is not None
    numpy_day.advance(60)
    band_day.advance(60)
    assert band_day.participants.size > 0
    assert band_day._extended is not None and band_day._extended.active
    for name in ("attitudes", "ideas", "influence", "weight_sum", "trust", "tie"):
        assert np.array_equal(getattr(numpy_day.state, name), getattr(band_day.state, name)), name
    numpy_result, band_result = numpy_day.result(), band_day.result()
    pd.testing.assert_frame_equal(numpy_result.images, band_result.images, check_exact=True)
    pd.testing.assert_frame_equal(numpy_result.societies, band_result.societies, check_exact=True)
    assert numpy_result.negotiation_step == band_result.negotiation_step
    assert numpy_result.breakdown_steps == band_result.breakdown_steps
    if threshold is not None:
        assert band_result.negotiation_step is not None and band_result.breakdown_steps


def test_the_compact_network_holds_every_link_of_the_matrix_once() -> None:
    population = build_population(SMALL, np.random.default_rng(3))
    within = population.within
    network = CompactNetwork(within)
    members = np.arange(network.size)
    rows, columns = [], []
    for bit in range(2 * REACH):
        offset = bit - REACH + (1 if bit >= REACH else 0)
        linked = members[(network.near >> bit) & 1 == 1]
        rows.append(linked)
        columns.append(linked + offset)
    far_rows = np.repeat(members, np.diff(network.far_start))
    rows.append(far_rows)
    columns.append(network.far.astype(np.int64))
    rebuilt = sp.csr_matrix(
        (
            np.ones(sum(r.size for r in rows), dtype=np.float32),
            (np.concatenate(rows), np.concatenate(columns)),
        ),
        shape=within.shape,
    )
    assert rebuilt.nnz == within.nnz
    assert (rebuilt != within).nnz == 0
    # every far link has a place in its piece's rows, or its member is summed alone
    below = network.far < far_rows
    below_counts = np.bincount(far_rows[below], minlength=network.size)
    above_counts = np.diff(network.far_start) - below_counts
    crowded = np.zeros(network.size, dtype=bool)
    crowded[network.crowded] = True
    assert np.array_equal(crowded, (below_counts > SLOTS) | (above_counts > SLOTS))
    assert crowded.any() and not crowded.all()
    for count in range(1, SLOTS + 1):  # each rank is used
        assert ((below_counts == count) & ~crowded).any()
        assert ((above_counts == count) & ~crowded).any()
    # staged piece by piece, each piece's in order of the member linked to
    order = np.lexsort((network.far, far_rows // PIECE))
    staged = np.empty(network.far.size, dtype=np.int64)
    staged[network.stage_place] = network.stage_target
    assert np.array_equal(np.sort(network.far), network.stage_target)
    assert np.array_equal(staged, network.far[order])
    # in that order: a place in its piece's rows by rank below or above, or a crowded
    # member's place in its piece's list, in CSR order
    position = np.arange(network.far.size) - network.far_start[far_rows]
    rank = np.where(below, position, position - below_counts[far_rows] + SLOTS)
    places = network.far_place.astype(np.int64)
    listed = crowded[far_rows[order]]
    assert np.array_equal(places >= ENDS, listed)
    assert np.array_equal(places[~listed], (rank * PIECE + far_rows % PIECE)[order][~listed])
    for first in range(0, network.size, PIECE):
        low, high = network.far_start[first], network.far_start[min(first + PIECE, network.size)]
        in_piece = np.zeros(network.far.size, dtype=bool)
        in_piece[low:high] = True
        csr = order[in_piece[order] & listed]  # the crowded links of the piece, staged order
        expected = np.argsort(np.argsort(csr))  # each one's place among them in CSR order
        assert np.array_equal(places[in_piece[order] & listed] - ENDS, expected)


def test_binning_compiled_counts_the_images_as_numpy_does() -> None:
    images = np.random.default_rng(4).uniform(-1.0, 1.0, 10_001).astype(np.float32)
    images[:3] = (-1.0, 1.0, 0.0)
    images[3:12] = np.linspace(-1.0, 1.0, 9, dtype=np.float32)  # every bin's edge exactly
    images[12:20] = np.nextafter(images[3:11], np.float32(-2.0))  # just below each
    split = 6000
    counts = np.empty((2, BINS), dtype=np.intp)
    count_bins(images, split, BINS, counts, 0, images.size)
    expected = [
        np.bincount(
            np.minimum(((part + np.float32(1.0)) * np.float32(BINS / 2)).astype(np.intp), BINS - 1),
            minlength=BINS,
        )
        for part in (images[:split], images[split:])
    ]
    assert np.array_equal(counts, np.stack(expected))


def test_block_sums_compiled_match_float64_sums_of_each_block() -> None:
    rng = np.random.default_rng(5)
    attitudes = rng.uniform(-1.0, 1.0, (4, 5000)).astype(np.float32)
    ideas = rng.uniform(0.0, 1.0, 5000).astype(np.float32)
    edges = np.array([0, 10, 2000, 2001, 4999, 5000], dtype=np.int64)
    sums = np.empty((5, edges.size - 1), dtype=np.float64)
    block_sums(attitudes, ideas, edges, sums, 0, ideas.size)
    wide = attitudes.astype(np.float64)
    quantities = (wide[0], wide[1], wide[0] ** 2, wide[1] ** 2, ideas.astype(np.float64))
    expected = np.stack([np.add.reduceat(q, edges[:-1]) for q in quantities])
    np.testing.assert_allclose(sums, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("stances", [(0.4, -0.2), (None, 0.3), (None, None)])
def test_trust_compiled_on_two_threads_falls_back_as_numpy_does(
    monkeypatch: pytest.MonkeyPatch, stances: tuple[float | None, float | None]
) -> None:
    population = build_population(SMALL, np.random.default_rng(7))
    states = [AgentState.starting(population) for _ in range(2)]
    beliefs = np.random.default_rng(8).uniform(-1.0, 1.0, population.size).astype(np.float32)
    for state in states:
        state.trust[:] = beliefs
    members = (population.members(0), population.members(1))
    dynamics = [
        TrustDynamics(
            state, members, TrustParameters(), HypothesisConfirmationParameters(), confirm=True
        )
        for state in states
    ]
    monkeypatch.setattr(trust, "SPLIT_FROM", 1)  # both societies side by side, as at scale
    for _ in range(3):
        dynamics[0].daily(states[0], stances)
        dynamics[1].daily(states[1], stances, compiled=True)
        participants = np.arange(0, population.size, 97, dtype=np.int64)
        dynamics[0].confirm_statements(states[0], participants, 0.25)
        dynamics[1].confirm_statements(states[1], participants, 0.25, compiled=True)
    assert np.array_equal(states[0].trust, states[1].trust)


@pytest.mark.parametrize("leaders", [5, 50, 1000, 4099])
def test_transfer_compiled_moves_decision_makers_as_numpy_does(leaders: int) -> None:
    # blocks below eight, below 128 and above it (numpy's float32 sum halves those)
    population = build_population(SMALL, np.random.default_rng(9))
    states = [AgentState.starting(population) for _ in range(2)]
    ideas = np.random.default_rng(10).uniform(0.0, 1.0, population.size).astype(np.float32)
    participants = np.arange(0, 200, 17, dtype=np.int64)
    decision_makers = slice(1000, 1000 + leaders)
    gains = []
    for state, compiled in zip(states, (False, True), strict=True):
        state.ideas[:] = ideas
        state.ideas[decision_makers] *= np.float32(0.5)
        gains.append(
            transfer_to_decision_makers(
                state, participants, decision_makers, TransferParameters(), compiled=compiled
            )
        )
    assert gains[0] == gains[1] and gains[0] > 0.0
    assert np.array_equal(states[0].ideas, states[1].ideas)
