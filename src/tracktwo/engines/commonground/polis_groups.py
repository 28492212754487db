"""Pol.is's opinion groups, updated as votes arrive: who counts, base clusters, groups, k smoothing.

One call of :func:`update` is one recomputation of Pol.is's ``small-conv-update-graph``
(``math/src/polismath/math/conversation.clj`` in compdemocracy/polis):

1. PCA of the mean-imputed votes of every voter, warm-started from the last components,
   and the sparsity-aware projection (:mod:`.polis_pca`);
2. ``in-conv``: voters with at least ``min(7, statements)`` votes join, and never leave; while
   fewer than 15 have joined, the most active voters are added;
3. 100 base clusters of the in-conv voters' positions, warm-started from the last ones;
4. for every k from 2 to ``min(5, 2 + base clusters // 12)``, a k-means of the base-cluster
   centres weighted by their sizes, warm-started from the last clustering with that k
   (Pol.is passes ``:cluster-iters``, a key its ``kmeans`` ignores, so 20 steps at most);
5. the k with the best silhouette, adopted only once it has won 4 updates in a row
   (``group-k-smoother``), chooses the opinion groups.

Pol.is recomputes on every batch of new votes, so its groups are the end of a path: each
clustering starts where the last one stopped. :func:`replay` follows that path through a
vote matrix whose entries carry times (see ``docs/commonground.md`` for how closely this
reproduces Pol.is's own groups).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tracktwo.engines.commonground.clusters import (
    Clustering,
    distance_matrix,
    kmeans,
    silhouette,
)
from tracktwo.engines.commonground.polis_pca import (
    CenteredVotes,
    CentredOperator,
    GramVotes,
    PcaParameters,
    principal_components,
    project_voters,
)
from tracktwo.engines.commonground.replay_votes import ReplayView, ReplayVotes
from tracktwo.engines.commonground.votes import VoteMatrix
from tracktwo.errors import ValidationError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_GRAM_COLUMNS = 2_000

CURRENT_CODE = "current"
CODE_2017 = "2017"
POLIS_CODES = (CURRENT_CODE, CODE_2017)
# Pol.is commit 90b5b9e62 (2017-10-21): missing votes filled with the column mean, not 0, and
# vote counts taken from the raw matrix (compdemocracy/polis, delphi/docs/MATH_ALGORITHM_HISTORY.md)
POLIS_2017_CHANGE = datetime(2017, 10, 21, tzinfo=UTC).timestamp()
# before Pol.is existed a vote time is no date (an export written without times reads 0)
POLIS_BEGINNING = datetime(2012, 1, 1, tzinfo=UTC).timestamp()


def polis_code_for(last_vote: float) -> str:
    """Return which Pol.is math computed a conversation whose last vote was at ``last_vote``
    (seconds since 1970): Pol.is keeps the result of its last recomputation, made by the
    code deployed then. Times before Pol.is existed are taken as no date: today's math."""
    if POLIS_BEGINNING <= last_vote < POLIS_2017_CHANGE:
        return CODE_2017
    return CURRENT_CODE


@dataclass(frozen=True)
class PolisParameters:
    """Pol.is's own settings (``base-conv-update-graph`` defaults); not tuned per conversation.

    ``replay_gap_seconds``: during a replay, votes closer in time than this are taken in
    one update (Pol.is's poller looks every second and takes whatever arrived since).
    ``replay_max_updates`` bounds the cost: beyond it, updates start at the longest pauses.
    ``replay_max_cells``: above this many voter x statement cells a replay computes the final
    snapshot only (Pol.is too leaves its step-by-step path for large conversations, for a
    sampled one).

    ``code`` says which Pol.is math to follow: ``"current"`` (since 2017-10-21) or
    ``"2017"``, the code that ran from 2017-02-27 (moderated-out and metadata columns zeroed)
    to 2017-10-21: missing votes filled with 0 instead of the column mean, and each voter's
    vote count, which decides who is clustered, taken from the matrix with those columns
    zeroed, so that every zeroed column counts as a vote of everyone.
    :func:`polis_code_for` tells which one computed an exported conversation.
    """

    min_votes: int = 7
    greedy_voters: int = 15
    base_k: int = 100
    max_k: int = 5
    base_iters: int = 100
    group_iters: int = 20
    group_k_buffer: int = 4
    pca: PcaParameters = field(default_factory=PcaParameters)
    replay_gap_seconds: float = 1.0
    replay_max_updates: int = 200
    replay_max_cells: int = 4_000_000
    code: str = CURRENT_CODE

    def __post_init__(self) -> None:
        if self.code not in POLIS_CODES:
            raise ValidationError(
                f"Pol.is code {self.code!r} is unknown; give one of {', '.join(POLIS_CODES)}"
            )


@dataclass
class PolisState:
    """What Pol.is carries from one update to the next (all arrays over voters so far)."""

    components: FloatArray | None = None
    in_conv: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    base_labels: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    base_ids: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    group_clusterings: dict[int, tuple[IntArray, Clustering]] = field(default_factory=dict)
    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None


@dataclass(frozen=True, eq=False)
class PolisGroups:
    """The outcome of an update.

    ``projection`` (n_voters, 2) places every voter on the opinion map; ``in_conv`` marks
    the voters Pol.is clusters; ``base_labels`` (n_voters,) gives each clustered voter's
    base cluster (-1 otherwise), ``base_centers`` (n_base, 2) and ``base_sizes`` (n_base,)
    describe the base clusters, ``base_groups`` (n_base,) their opinion group; ``groups``
    (n_voters,) is each voter's group 0..k-1 (-1 if not clustered), numbered as Pol.is
    numbers them (by cluster id). ``silhouettes`` maps every k tried to its silhouette.
    """

    projection: FloatArray
    components: FloatArray
    column_means: FloatArray
    in_conv: BoolArray
    base_labels: IntArray
    base_centers: FloatArray
    base_sizes: FloatArray
    base_groups: IntArray
    groups: IntArray
    k: int
    silhouettes: dict[int, float]
    n_updates: int


def _in_conversation(
    previous: BoolArray, counts: IntArray, n_columns: int, params: PolisParameters
) -> BoolArray:
    """Return who is in the conversation: once in, always in; topped up to 15 voters."""
    in_conv = np.zeros(len(counts), dtype=bool)
    in_conv[: len(previous)] = previous
    in_conv |= counts >= min(params.min_votes, n_columns)
    missing = params.greedy_voters - int(in_conv.sum())
    if missing > 0:
        candidates = np.flatnonzero(~in_conv & (counts > 0))
        order = candidates[np.argsort(-counts[candidates], kind="stable")]
        in_conv[order[:missing]] = True
    return in_conv


def _sorted_by_id(clustering: Clustering) -> Clustering:
    ids = clustering.ids
    if bool((ids[1:] > ids[:-1]).all()):
        return clustering
    order = np.argsort(clustering.ids, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    labels = np.where(clustering.labels >= 0, rank[np.maximum(clustering.labels, 0)], -1)
    return Clustering(ids=clustering.ids[order], centers=clustering.centers[order], labels=labels)


def _align_groups(
    base_ids: IntArray,
    previous: tuple[IntArray, Clustering] | None,
    matching: tuple[IntArray, IntArray, BoolArray] | None = None,
) -> Clustering | None:
    """Carry a group clustering over to the current base clusters, matched by base-cluster id.

    ``matching`` may hold ``(old_ids, *_matching_ids(old_ids, base_ids))`` computed before;
    it is used when ``old_ids`` is the very array the previous clustering was made over.
    """
    if previous is None:
        return None
    old_ids, clustering = previous
    if matching is not None and matching[0] is old_ids:
        where, found = matching[1], matching[2]
    else:
        where, found = _matching_ids(old_ids, base_ids)
    labels = np.where(found, clustering.labels[where], -1).astype(np.int64)
    return Clustering(ids=clustering.ids, centers=clustering.centers, labels=labels)


def _matching_ids(old_ids: IntArray, base_ids: IntArray) -> tuple[IntArray, BoolArray]:
    """Return, for each of ``base_ids``, its position in the sorted ``old_ids`` and whether
    it is there at all."""
    # old_ids are sorted (base clusters are kept in id order)
    where = np.minimum(np.searchsorted(old_ids, base_ids), max(len(old_ids) - 1, 0))
    found = (len(old_ids) > 0) & (old_ids[where] == base_ids)
    return where, found


def update(
    state: PolisState,
    data: CentredOperator,
    live_votes: IntArray,
    counts: IntArray,
    n_moderated_columns: int,
    params: PolisParameters,
    rng: np.random.Generator,
    n_updates: int = 1,
    gram: GramVotes | None = None,
    n_columns: int | None = None,
) -> PolisGroups:
    """Recompute Pol.is's groups for the votes so far and advance ``state``.

    ``data`` holds the centred votes (n_voters, n_columns) of the live statements (zero in
    the columns of moderated-out statements) and ``live_votes`` (n_voters,) each voter's
    number of votes on them; ``counts`` (n_voters,) counts every vote,
    moderated-out statements included, as Pol.is's ``user-vote-counts`` does;
    ``n_moderated_columns`` is how many of the columns are moderated-out statements.
    ``gram``, when given, is ``C.T @ C`` of the centred votes (a replay keeps it up to date).
    ``n_columns`` is the number of statements anyone voted on (Pol.is's ``n-cmts``), if the
    matrix also holds statements nobody voted on yet.
    """
    n_voters = data.shape[0]
    n_columns = data.shape[1] if n_columns is None else n_columns
    source: CentredOperator | GramVotes = data if gram is None else gram
    components = principal_components(
        source, params.pca, rng, start=state.components, n_rows=n_voters
    )
    projection = project_voters(data, components, live_votes + n_moderated_columns, n_columns)

    in_conv = _in_conversation(state.in_conv, counts, n_columns, params)
    members = np.flatnonzero(in_conv)
    previous_base = None
    if state.base_ids.size:
        labels = np.full(n_voters, -1, dtype=np.int64)
        labels[: len(state.base_labels)] = state.base_labels
        previous_base = Clustering(
            ids=state.base_ids, centers=np.zeros((len(state.base_ids), 2)), labels=labels[members]
        )
    base = _sorted_by_id(
        kmeans(
            projection[members],
            params.base_k,
            previous=previous_base,
            max_iters=params.base_iters,
        )
    )
    base_labels = np.full(n_voters, -1, dtype=np.int64)
    base_labels[members] = base.labels
    base_sizes = base.sizes()

    max_k = min(params.max_k, 2 + base.k // 12)
    base_distances = distance_matrix(base.centers)
    clusterings: dict[int, tuple[IntArray, Clustering]] = {}
    silhouettes: dict[int, float] = {}
    # every group clustering of the last update was made over the same base clusters, so
    # one matching of base-cluster ids carries them all over
    matching: tuple[IntArray, IntArray, BoolArray] | None = None
    for k in range(2, max_k + 1):
        last = state.group_clusterings.get(k)
        if last is not None and (matching is None or matching[0] is not last[0]):
            matching = (last[0], *_matching_ids(last[0], base.ids))
        previous = _align_groups(base.ids, last, matching)
        grouping = _sorted_by_id(
            kmeans(
                base.centers,
                k,
                previous=previous,
                weights=base_sizes,
                max_iters=params.group_iters,
            )
        )
        clusterings[k] = (base.ids, grouping)
        silhouettes[k] = silhouette(base_distances, grouping.labels) if base.k else 0.0

    # Clojure's max-key keeps the last of equal values: the larger k wins a tie
    this_k = max(silhouettes, key=lambda k: (silhouettes[k], k))
    this_k_count = state.last_k_count + 1 if state.last_k == this_k else 1
    smoothed = state.smoothed_k if state.smoothed_k is not None else this_k
    if this_k_count >= params.group_k_buffer:
        smoothed = this_k
    if smoothed not in clusterings:
        smoothed = this_k
    chosen = clusterings[smoothed][1]

    state.components = components
    state.in_conv = in_conv
    state.base_labels = base_labels
    state.base_ids = base.ids
    state.group_clusterings = clusterings
    state.last_k, state.last_k_count, state.smoothed_k = this_k, this_k_count, smoothed

    groups = np.full(n_voters, -1, dtype=np.int64)
    clustered = base_labels >= 0
    groups[clustered] = chosen.labels[base_labels[clustered]]
    return PolisGroups(
        projection=projection,
        components=components,
        column_means=data.means,
        in_conv=in_conv,
        base_labels=base_labels,
        base_centers=base.centers,
        base_sizes=base_sizes,
        base_groups=chosen.labels,
        groups=groups,
        k=chosen.k,
        silhouettes=silhouettes,
        n_updates=n_updates,
    )


def update_boundaries(times: FloatArray, params: PolisParameters) -> IntArray:
    """Return the end (exclusive) of each update over votes sorted by time.

    A new update starts wherever the gap since the previous vote exceeds
    ``replay_gap_seconds``; if that makes more than ``replay_max_updates`` updates, the
    widest gaps are kept. The last update always ends with the last vote.
    """
    n = len(times)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    gaps = np.diff(times)
    cuts = np.flatnonzero(gaps > params.replay_gap_seconds)
    limit = max(params.replay_max_updates - 1, 0)
    if len(cuts) > limit:
        widest = np.argsort(-gaps[cuts], kind="stable")[:limit]
        cuts = np.sort(cuts[widest])
    return np.append(cuts + 1, n).astype(np.int64)


def snapshot(
    votes: VoteMatrix,
    params: PolisParameters | None = None,
    seed: int = 0,
) -> PolisGroups:
    """Compute Pol.is's groups from the final votes in one update (no history), all sparse."""
    params = params or PolisParameters()
    rng = np.random.default_rng(seed)
    entry_live = ~votes.left_out[votes.cols]
    values, seen = live_columns(votes)
    voted_columns = np.bincount(votes.cols, minlength=votes.shape[1]) > 0
    n_moderated = int((votes.left_out & voted_columns).sum())
    live_votes = np.bincount(votes.rows[entry_live], minlength=votes.shape[0]).astype(np.int64)
    counts = votes.votes_per_voter()
    gram: GramVotes | None = None
    if params.code == CODE_2017:
        data, gram = _zero_filled(values, seen, params)
        counts = counts + n_moderated
    else:
        data = CenteredVotes.from_votes(values, seen)
    return update(
        PolisState(), data, live_votes, counts, n_moderated, params, rng,
        gram=gram, n_columns=int(voted_columns.sum()),
    )  # fmt: skip


def live_columns(votes: VoteMatrix) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Return (values, seen) CSR matrices with the columns of moderated-out and metadata
    statements zeroed (Pol.is's ``mod-out`` holds both)."""
    values, seen = votes.values_csr(), votes.seen_csr()
    if not votes.left_out.any():
        return values, seen
    keep = sp.diags((~votes.left_out).astype(np.float64))
    return (values @ keep).tocsr(), (seen @ keep).tocsr()


def replay(
    votes: VoteMatrix,
    params: PolisParameters | None = None,
    seed: int = 0,
) -> PolisGroups:
    """Follow the conversation in time order, one Pol.is update per batch of votes.

    Voters and statements enter in the order of their first vote, as rows and columns enter
    Pol.is's rating matrix. The result is indexed like ``votes`` (rows in its voter order).
    Without vote times, or above ``params.replay_max_cells``, this is :func:`snapshot`.
    """
    params = params or PolisParameters()
    too_large = votes.shape[0] * votes.shape[1] > params.replay_max_cells
    if votes.times is None or votes.n_votes == 0 or too_large:
        return snapshot(votes, params, seed)
    rng = np.random.default_rng(seed)
    order = np.argsort(votes.times, kind="stable")
    rows, cols = votes.rows[order], votes.cols[order]
    values = votes.values[order].astype(np.float64)
    # number voters and statements by first appearance, so the live set is always a prefix
    voter_rank = _first_appearance(rows, votes.shape[0])
    column_rank = _first_appearance(cols, votes.shape[1])
    rows, cols = voter_rank[rows], column_rank[cols]
    moderated = np.zeros(votes.shape[1], dtype=bool)
    moderated[column_rank] = votes.left_out
    live = ~moderated[cols]
    ends = update_boundaries(votes.times[order], params)
    n_voters_at = np.maximum.accumulate(rows) + 1
    n_columns_at = np.maximum.accumulate(cols) + 1
    store = ReplayVotes(
        rows[live], cols[live], *votes.shape, moments=votes.shape[1] <= _GRAM_COLUMNS
    )
    counts = np.zeros(votes.shape[0], dtype=np.int64)
    state = PolisState()
    start = 0
    result: PolisGroups | None = None
    for number, end in enumerate(ends, start=1):
        batch = slice(start, int(end))
        counts += np.bincount(rows[batch], minlength=len(counts))
        keep = live[batch]
        store.apply(rows[batch][keep], cols[batch][keep], values[batch][keep])
        nv, nc = int(n_voters_at[end - 1]), int(n_columns_at[end - 1])
        n_moderated = int(moderated[:nc].sum())
        gram: GramVotes | None
        data: ReplayView
        if params.code == CODE_2017:
            data, gram = store.zero_filled(nv, nc)
            live_votes, counted = store.live_votes[:nv], counts[:nv] + n_moderated
        else:
            data, live_votes, gram = store.view(nv, nc)
            counted = counts[:nv]
        result = update(state, data, live_votes, counted, n_moderated, params, rng, number, gram)
        start = int(end)
    assert result is not None
    return _back_to_voter_order(result, voter_rank, column_rank)


def _zero_filled(
    values: sp.csr_matrix, seen: sp.csr_matrix, params: PolisParameters
) -> tuple[CenteredVotes, GramVotes]:
    """Return the votes of a final snapshot as Pol.is's 2017 code saw them (see
    :meth:`.ReplayVotes.zero_filled`); refuse a matrix too large to hold dense."""
    n_voters, n_columns = values.shape
    if n_voters * n_columns > params.replay_max_cells:
        raise ValidationError(
            f"Pol.is's 2017 math fills every missing vote: {n_voters} voters x {n_columns} "
            f"statements is more than the {params.replay_max_cells} cells it is emulated for"
        )
    means = np.asarray(values.sum(axis=0)).ravel() / max(n_voters, 1)
    centred = values.toarray() - means
    return CenteredVotes(values, seen, means), GramVotes(centred.T @ centred)


def _first_appearance(index: IntArray, size: int) -> IntArray:
    """Return rank[i] = order of first appearance of i in ``index`` (unseen ones last)."""
    _, first = np.unique(index, return_index=True)
    seen_in_order = index[np.sort(first)]
    rank = np.full(size, -1, dtype=np.int64)
    rank[seen_in_order] = np.arange(len(seen_in_order))
    unseen = rank < 0
    rank[unseen] = np.arange(len(seen_in_order), size)
    return rank


def _back_to_voter_order(
    result: PolisGroups, voter_rank: IntArray, column_rank: IntArray
) -> PolisGroups:
    """Re-index per-voter and per-statement arrays from arrival order to the matrix's order."""
    n = len(voter_rank)
    n_columns = len(column_rank)
    components = np.zeros((result.components.shape[0], n_columns))
    components[:, : result.components.shape[1]] = result.components
    means = np.zeros(n_columns)
    means[: len(result.column_means)] = result.column_means

    def per_voter(
        array: npt.NDArray[np.generic], fill: float | int | bool
    ) -> npt.NDArray[np.generic]:
        full = np.full((n, *array.shape[1:]), fill, dtype=array.dtype)
        full[: len(array)] = array
        return full[voter_rank]

    return PolisGroups(
        projection=np.asarray(per_voter(result.projection, 0.0), dtype=np.float64),
        components=components[:, column_rank],
        column_means=means[column_rank],
        in_conv=np.asarray(per_voter(result.in_conv, False), dtype=bool),
        base_labels=np.asarray(per_voter(result.base_labels, -1), dtype=np.int64),
        base_centers=result.base_centers,
        base_sizes=result.base_sizes,
        base_groups=result.base_groups,
        groups=np.asarray(per_voter(result.groups, -1), dtype=np.int64),
        k=result.k,
        silhouettes=result.silhouettes,
        n_updates=result.n_updates,
    )
