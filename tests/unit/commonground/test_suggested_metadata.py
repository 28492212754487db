"""Statements that describe the participant are suggested as metadata, never applied alone."""

from __future__ import annotations

import pandas as pd

from tracktwo.engines.commonground.polis_export import suggest_metadata


def test_the_owners_statements_about_oneself_are_suggested() -> None:
    statements = pd.DataFrame(
        {
            "statement": [0, 1, 2, 3, 4, 5],
            "author": [0, 0, 0, 7, 0, 8],
            "text": [
                "I am under 30",
                "I live in a rural area",
                "Buses should run all night",
                "I am tired of this debate",  # a participant's, not the owner's
                "My family owns a car",
                "Fares are too high",
            ],
        }
    )
    assert suggest_metadata(statements) == [0, 1, 4]


def test_nothing_is_suggested_without_authors_or_texts() -> None:
    assert suggest_metadata(pd.DataFrame({"statement": [0], "text": ["I am 20"]})) == []
    assert suggest_metadata(pd.DataFrame()) == []
