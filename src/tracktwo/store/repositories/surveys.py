"""Pseudonymous survey answers and re-entry follow-ups of a workshop's members."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select

from tracktwo.store.models import ReentryCheckRow, ReentryRow, SurveyResponseRow
from tracktwo.store.repositories.base import Repository, WorkshopTable


class SurveyResponses(Repository):
    """Survey answers, stored under a keyed pseudonym per participant."""

    def answer(
        self, workshop_id: UUID, respondent_token: str, wave: str, measure: str
    ) -> SurveyResponseRow | None:
        """Return one respondent's stored answer to one measure in one wave, if any."""
        return self.session.scalars(
            select(SurveyResponseRow).where(
                SurveyResponseRow.workshop_id == workshop_id,
                SurveyResponseRow.respondent_token == respondent_token,
                SurveyResponseRow.wave == wave,
                SurveyResponseRow.measure == measure,
            )
        ).first()

    def of_workshop(self, workshop_id: UUID) -> list[SurveyResponseRow]:
        """Return a workshop's answers by respondent pseudonym, then by date, then by id."""
        return self._listed(
            select(SurveyResponseRow)
            .where(SurveyResponseRow.workshop_id == workshop_id)
            .order_by(
                SurveyResponseRow.respondent_token,
                SurveyResponseRow.taken_on,
                SurveyResponseRow.id,
            )
        )


class Reentries(WorkshopTable[ReentryRow]):
    """The follow-ups of members back home: pressure, marginalisation, exposure; listed by
    date."""

    row_type = ReentryRow
    order = "followed_up_on"


class ReentryChecks(WorkshopTable[ReentryCheckRow]):
    """The checks on members back home the facilitators scheduled; listed by due date."""

    row_type = ReentryCheckRow
    order = "due_on"
