"""Consensus as Pol.is measures it: overall consensus and group-informed consensus.

* Overall consensus (``consensus-stats`` / ``select-consensus-comments`` in Pol.is's
  ``repness.clj``): over every voter, ``pa = (na + 1) / (ns + 2)`` and its one-proportion
  z-test; a statement is an agree-consensus candidate when ``pa > 0.5`` and z > 1.2816,
  ranked by ``pa * z`` (the five best are Pol.is's "consensus" list), likewise for disagree.
* Group-informed consensus (``group-aware-consensus`` in ``conversation.clj``): the product
  over opinion groups of ``(agree_g + 1) / (seen_g + 2)``. It is high only when every group
  agrees, however large or small the group; Pol.is's report sorts by it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from tracktwo.engines.commonground.repness import Z_90, GroupVoteCounts, prop_test

TOP_CONSENSUS = 5


def group_informed_consensus(counts: GroupVoteCounts) -> npt.NDArray[np.float64]:
    """Return the product over groups of ``(agree + 1) / (seen + 2)``, shape (n_statements,)."""
    probabilities = (counts.agree + 1.0) / (counts.seen + 2.0)
    return np.asarray(np.prod(probabilities, axis=0), dtype=np.float64)


def consensus_table(
    values: Any,
    seen: Any,
    counts: GroupVoteCounts,
    statement_ids: npt.NDArray[Any],
    live: npt.NDArray[np.bool_],
) -> pd.DataFrame:
    """Return one row per live statement with Pol.is's consensus statistics.

    Columns: ``statement``, ``n_agree``, ``n_disagree``, ``n_seen``, ``p_agree``,
    ``p_agree_test``, ``p_disagree``, ``p_disagree_test``, ``consensus`` ("agree",
    "disagree" or ""; Pol.is's top five each way), ``group_informed_consensus``. Rows are
    sorted by group-informed consensus, highest first. ``values``/``seen`` are
    (n_voters, n_statements), CSR or dense.
    """
    na = np.asarray((values > 0).sum(axis=0), dtype=np.float64).ravel()
    nd = np.asarray((values < 0).sum(axis=0), dtype=np.float64).ravel()
    ns = np.asarray(seen.sum(axis=0), dtype=np.float64).ravel()
    pa, pd_ = (na + 1.0) / (ns + 2.0), (nd + 1.0) / (ns + 2.0)
    pat, pdt = prop_test(na, ns), prop_test(nd, ns)
    frame = pd.DataFrame(
        {
            "statement": statement_ids,
            "n_agree": na.astype(np.int64),
            "n_disagree": nd.astype(np.int64),
            "n_seen": ns.astype(np.int64),
            "p_agree": pa,
            "p_agree_test": pat,
            "p_disagree": pd_,
            "p_disagree_test": pdt,
            "consensus": "",
            "group_informed_consensus": group_informed_consensus(counts),
        }
    )[live]
    for side, p, z in (
        ("agree", "p_agree", "p_agree_test"),
        ("disagree", "p_disagree", "p_disagree_test"),
    ):
        candidates = frame[(frame[p] > 0.5) & (frame[z] > Z_90)]
        top = (candidates[p] * candidates[z]).sort_values(ascending=False, kind="stable")
        frame.loc[top.index[:TOP_CONSENSUS], "consensus"] = side
    return frame.sort_values(
        "group_informed_consensus", ascending=False, kind="stable"
    ).reset_index(drop=True)
