"""Named queries and writes that need more than ``get`` and ``add``, by area.

The services' only way to the database: each method answers one question, returns rows or
plain values, and returns its lists in a stated order (by time, position or date, then id),
so that two runs over the same data list it alike.
"""

from __future__ import annotations

from tracktwo.store.repositories.base import Repository
from tracktwo.store.repositories.feedback import Analyses, Rounds, Statements, Votes
from tracktwo.store.repositories.ids import Ids
from tracktwo.store.repositories.phases import (
    Concerns,
    Constraints,
    Ideas,
    Interventions,
    KeepMarks,
    Moderations,
    PhaseOpenings,
    ReassuranceSteps,
    SharedVisions,
    Transfers,
)
from tracktwo.store.repositories.recruitment import (
    Briefings,
    Candidates,
    Compositions,
    Members,
    Referrals,
)
from tracktwo.store.repositories.signin import SignInLinks, WebSessions
from tracktwo.store.repositories.surveys import Reentries, ReentryChecks, SurveyResponses
from tracktwo.store.repositories.workshops import Conflicts, Facilitators, Schedule, Workshops

__all__ = [
    "Analyses",
    "Briefings",
    "Candidates",
    "Compositions",
    "Concerns",
    "Conflicts",
    "Constraints",
    "Facilitators",
    "Ideas",
    "Ids",
    "Interventions",
    "KeepMarks",
    "Members",
    "Moderations",
    "PhaseOpenings",
    "ReassuranceSteps",
    "Reentries",
    "ReentryChecks",
    "Referrals",
    "Repository",
    "Rounds",
    "Schedule",
    "SharedVisions",
    "SignInLinks",
    "Statements",
    "SurveyResponses",
    "Transfers",
    "Votes",
    "WebSessions",
    "Workshops",
]
