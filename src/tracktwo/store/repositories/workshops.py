"""Conflicts, workshops, their third-party teams and their schedules."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select

from tracktwo.store.models import (
    ConflictRow,
    FacilitatorRow,
    MemberRow,
    RipenessAssessmentRow,
    SeriesRow,
    SessionRatingRow,
    SessionRow,
    WorkshopRow,
)
from tracktwo.store.repositories.base import Repository


class Conflicts(Repository):
    """What is recorded about a conflict beyond its profile and parties."""

    def every(self) -> list[ConflictRow]:
        """Return every conflict of the data folder, in the order they were opened."""
        return self._listed(select(ConflictRow).order_by(ConflictRow.created_at, ConflictRow.id))

    def any_recorded(self) -> bool:
        """Say whether the store holds any conflict: every engagement starts with one."""
        return self.session.scalar(select(ConflictRow.id).limit(1)) is not None

    def ripeness_assessments(self, conflict_id: UUID) -> list[RipenessAssessmentRow]:
        """Return a conflict's ripeness assessments by the date they judge, then id."""
        return self._listed(
            select(RipenessAssessmentRow)
            .where(RipenessAssessmentRow.conflict_id == conflict_id)
            .order_by(RipenessAssessmentRow.assessed_on, RipenessAssessmentRow.id)
        )


class Workshops(Repository):
    """Workshops across conflicts and series."""

    def last_of_series(self, series_id: UUID) -> WorkshopRow | None:
        """Return the series' workshop with the highest sequence number, if it has any."""
        return self.session.scalars(
            select(WorkshopRow)
            .where(WorkshopRow.series_id == series_id)
            .order_by(WorkshopRow.sequence.desc(), WorkshopRow.id)
        ).first()

    def series_of(self, conflict_id: UUID) -> list[SeriesRow]:
        """Return a conflict's series in the order opened (by id within)."""
        return self._listed(
            select(SeriesRow).where(SeriesRow.conflict_id == conflict_id).order_by(SeriesRow.id)
        )

    def of_series(self, series_id: UUID) -> list[WorkshopRow]:
        """Return a series' workshops in their order in it, then by id."""
        return self._listed(
            select(WorkshopRow)
            .where(WorkshopRow.series_id == series_id)
            .order_by(WorkshopRow.sequence, WorkshopRow.id)
        )

    def of_conflict(self, conflict_id: UUID) -> list[WorkshopRow]:
        """Return a conflict's workshops in the order created, then by id."""
        return self._listed(
            select(WorkshopRow)
            .where(WorkshopRow.conflict_id == conflict_id)
            .order_by(WorkshopRow.created_at, WorkshopRow.id)
        )

    def every(self) -> list[WorkshopRow]:
        """Return every workshop of the data folder in the order created, then by id."""
        return self._listed(select(WorkshopRow).order_by(WorkshopRow.created_at, WorkshopRow.id))

    def composed(self) -> list[WorkshopRow]:
        """Return the workshops that have members, in the order they were created."""
        return self._listed(
            select(WorkshopRow)
            .where(WorkshopRow.id.in_(select(MemberRow.workshop_id)))
            .order_by(WorkshopRow.created_at, WorkshopRow.id)
        )


class Facilitators(Repository):
    """A workshop's third-party team."""

    def of_workshop(self, workshop_id: UUID) -> list[FacilitatorRow]:
        """Return a workshop's facilitators, the lead first, then by id."""
        return self._listed(
            select(FacilitatorRow)
            .where(FacilitatorRow.workshop_id == workshop_id)
            .order_by(FacilitatorRow.is_lead.desc(), FacilitatorRow.id)
        )


class Schedule(Repository):
    """A workshop's sessions and the participants' ratings of them."""

    def sessions(self, workshop_id: UUID) -> list[SessionRow]:
        """Return a workshop's sessions in time order, then by id."""
        return self._in_workshop(SessionRow, workshop_id, SessionRow.starts_at)

    def rating_by(self, session_id: UUID, rater_token: str) -> SessionRatingRow | None:
        """Return one rater's rating of one session, if they gave one."""
        return self.session.scalars(
            select(SessionRatingRow).where(
                SessionRatingRow.session_id == session_id,
                SessionRatingRow.rater_token == rater_token,
            )
        ).first()

    def rating_counts(self, workshop_id: UUID) -> dict[UUID, int]:
        """Return how many ratings each of a workshop's sessions has."""
        rows = self.session.execute(
            select(SessionRatingRow.session_id, func.count())
            .join(SessionRow, SessionRow.id == SessionRatingRow.session_id)
            .where(SessionRow.workshop_id == workshop_id)
            .group_by(SessionRatingRow.session_id)
        )
        return {session_id: count for session_id, count in rows}

    def rating_values(self, workshop_id: UUID) -> list[float]:
        """Return every rating (1-5) of a workshop's sessions, in session order, then by id."""
        return self._listed(
            select(SessionRatingRow.value)
            .join(SessionRow, SessionRow.id == SessionRatingRow.session_id)
            .where(SessionRow.workshop_id == workshop_id)
            .order_by(SessionRow.starts_at, SessionRow.id, SessionRatingRow.id)
        )
