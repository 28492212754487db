"""Surveys before, after and at follow-up, and re-entry (elements 15 and 16).

Answers are stored under a keyed pseudonym per participant, so waves can be paired without
storing who answered. Figures for groups smaller than ``min_group`` (default 5, never below
3) are suppressed: with three to six people per party, a per-party figure could identify a
person. Lowering ``min_group`` below the default is written to the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

import pandas as pd

from tracktwo.domain.actors import Actor
from tracktwo.domain.rules import DEFAULT_MIN_GROUP, require_group_floor, require_unit_interval
from tracktwo.domain.surveys import SurveyAnswer, check_answer, parse_survey_csv
from tracktwo.domain.vocabulary import Measure, SurveyWave
from tracktwo.engines.evaluation import individual_group_gap, paired_change
from tracktwo.errors import SurveyFileError, ValidationError
from tracktwo.services.access import require_contributor, require_manager
from tracktwo.services.results import SOMETIMES, Result
from tracktwo.store.models import (
    CandidateRow,
    ConflictRow,
    MemberRow,
    ReentryRow,
    SurveyResponseRow,
)
from tracktwo.store.unit_of_work import UnitOfWork


def _store_answer(
    uow: UnitOfWork, workshop_id: UUID, member: MemberRow, answer: SurveyAnswer
) -> bool:
    """Store one answer; say whether it replaced an answer stored before (same member,
    wave and measure)."""
    token = uow.cipher(workshop_id).pseudonym("survey", str(member.id))
    existing = uow.survey_responses.answer(
        workshop_id, token, answer.wave.value, answer.measure.value
    )
    if existing is not None:
        existing.value, existing.taken_on = answer.value, answer.taken_on
        return True
    uow.add(
        SurveyResponseRow(
            workshop_id=workshop_id,
            respondent_token=token,
            party_id=member.party_id,
            wave=answer.wave.value,
            measure=answer.measure.value,
            value=answer.value,
            taken_on=answer.taken_on,
        ),
        flush=False,
    )
    return False


def answer_survey(
    uow: UnitOfWork,
    actor: Actor,
    workshop_id: UUID,
    *,
    wave: str,
    answers: dict[str, float],
    taken_on: date,
) -> None:
    """Record a participant's own answers for one wave (all or nothing)."""
    member = require_contributor(uow, actor, workshop_id)
    try:
        chosen_wave = SurveyWave(wave)
    except ValueError:
        raise ValidationError(f"wave {wave!r} is not pre, post or follow-up") from None
    for name, value in answers.items():
        try:
            measure = Measure(name)
        except ValueError:
            raise ValidationError(f"unknown measure {name!r}") from None
        check_answer(measure, value)
        _store_answer(
            uow,
            workshop_id,
            member,
            SurveyAnswer(str(member.id), chosen_wave, measure, value, taken_on),
        )


def import_survey_file(
    uow: UnitOfWork, actor: Actor, workshop_id: UUID, text: str, *, lenient: bool = False
) -> SurveyImport:
    """Import a survey CSV keyed by member id; a bad row rejects the whole file.

    ``lenient`` ignores columns the format does not know instead of refusing the file. An
    answer for a member, wave and measure already stored replaces it: the result counts them.
    """
    answers = parse_survey_csv(text, lenient=lenient)
    require_manager(uow, actor, workshop_id)
    members = {str(m.id): m for m in uow.members.of_workshop(workshop_id)}
    replaced = 0
    for row_number, answer in enumerate(answers, start=2):
        member = members.get(answer.participant)
        if member is None:
            raise SurveyFileError(
                f"row {row_number}: participant {answer.participant!r} is not a member of "
                "this workshop (use the member id from `tracktwo workshop members`)"
            )
        replaced += _store_answer(uow, workshop_id, member, answer)
    return SurveyImport(imported=len(answers), replaced=replaced)


@dataclass(frozen=True)
class SurveyImport(Result):
    """What an import stored: answers read, and how many of them replaced an earlier answer
    of the same member, wave and measure (a file imported again replaces them all)."""

    imported: int
    replaced: int

    def sentence(self) -> str:
        """Say it for people: ``imported 85 answers (replacing 85 imported before)``."""
        replacing = f" (replacing {self.replaced} imported before)" if self.replaced else ""
        return f"imported {self.imported} answers{replacing}"


def responses_frame(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> pd.DataFrame:
    """Return the pseudonymous long frame (respondent, party, measure, wave, value)."""
    workshop = require_manager(uow, actor, workshop_id)
    names = {p.id: p.name for p in uow.get(ConflictRow, workshop.conflict_id).parties}
    rows = uow.survey_responses.of_workshop(workshop_id)
    return pd.DataFrame(
        {
            "respondent": [r.respondent_token for r in rows],
            "party": [names[r.party_id] for r in rows],
            "measure": [r.measure for r in rows],
            "wave": [r.wave for r in rows],
            "value": [r.value for r in rows],
        },
        columns=["respondent", "party", "measure", "wave", "value"],
    )


@dataclass(frozen=True)
class SurveyChange:
    """What changed between the pre wave and a later one, per measure and party.

    ``change``: the paired change on each measure's own scale, with a betting interval
    from 5 people and Cohen's d from 10; ``individual_group_gap``: how far the group image
    lags the individuals met. Both are the frames of :mod:`tracktwo.engines.evaluation`,
    with groups below ``min_group`` withheld.
    """

    change: pd.DataFrame
    individual_group_gap: pd.DataFrame


def survey_effects(
    uow: UnitOfWork,
    actor: Actor,
    workshop_id: UUID,
    *,
    after: str = "post",
    min_group: int = DEFAULT_MIN_GROUP,
) -> SurveyChange:
    """Return paired change from the pre wave and the individual/group image gap.

    A ``min_group`` below the default is allowed down to 3 and audited: whoever lowers it
    answers for figures drawn from fewer people.
    """
    require_group_floor(min_group)
    frame = responses_frame(uow, actor, workshop_id)
    if frame.empty:
        raise ValidationError("no survey answers are stored for this workshop yet")
    if min_group < DEFAULT_MIN_GROUP:
        uow.audit(
            actor.label, f"lower-min-group-to-{min_group}", "survey-effects", workshop_id,
            workshop_id,
        )  # fmt: skip
    later = SurveyWave(after)
    return SurveyChange(
        change=paired_change(frame, before=SurveyWave.PRE, after=later, min_group=min_group),
        individual_group_gap=individual_group_gap(
            frame, before=SurveyWave.PRE, after=later, min_group=min_group
        ),
    )


def record_reentry(
    uow: UnitOfWork,
    actor: Actor,
    member_id: UUID,
    *,
    followed_up_on: date,
    ingroup_pressure: float,
    marginalisation: float,
    publicly_exposed: bool = False,
    notes: str | None = None,
) -> UUID:
    """Record what happened to a participant at home: pressure, marginalisation, exposure.

    ``ingroup_pressure`` and ``marginalisation`` are 0-1 judgements of the follow-up talk.
    """
    member = uow.get(MemberRow, member_id, "workshop member")
    require_manager(uow, actor, member.workshop_id)
    row = ReentryRow(
        workshop_id=member.workshop_id,
        member_id=member_id,
        followed_up_on=followed_up_on,
        ingroup_pressure=require_unit_interval("in-group pressure", ingroup_pressure),
        marginalisation=require_unit_interval("marginalisation", marginalisation),
        publicly_exposed=publicly_exposed,
    )
    uow.add_sealed(member.workshop_id, row, notes_enc=notes or None)
    return row.id


def risk_level(ingroup_pressure: float, marginalisation: float, exposed: bool) -> str:
    """Return ``high``, ``elevated`` or ``low`` for a returning participant."""
    if exposed or marginalisation >= 0.6 or ingroup_pressure >= 0.8:
        return "high"
    if marginalisation >= 0.3 or ingroup_pressure >= 0.5:
        return "elevated"
    return "low"


@dataclass(frozen=True)
class ReentryRisk(Result):
    """A member's latest re-entry follow-up with its risk flag (high, elevated or low)."""

    member_id: str
    party: str
    followed_up_on: str
    ingroup_pressure: float
    marginalisation: float
    publicly_exposed: bool
    risk: str


@dataclass(frozen=True)
class ReentrySummary(Result):
    """The re-entry follow-ups pooled across parties, the only form that leaves the room.

    Counts of members at each risk level, withheld (``withheld`` says why) while fewer than
    :data:`DEFAULT_MIN_GROUP` members have been followed up: with fewer, "one at high risk"
    points at a person.
    """

    followed_up: int
    high: int | None
    elevated: int | None
    low: int | None
    withheld: str | None = field(default=None, kw_only=True, metadata=SOMETIMES)

    @classmethod
    def of(cls, register: list[ReentryRisk]) -> ReentrySummary:
        if len(register) < DEFAULT_MIN_GROUP:
            return cls(
                len(register), None, None, None,
                withheld=f"fewer than {DEFAULT_MIN_GROUP} members followed up",
            )  # fmt: skip
        levels = [entry.risk for entry in register]
        return cls(
            len(register), levels.count("high"), levels.count("elevated"), levels.count("low")
        )


def risk_register(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> list[ReentryRisk]:
    """Return each member's latest re-entry follow-up with a risk flag, highest risk first.

    Per person, so for the facilitators' own screens only (a manager of the workshop);
    outputs that leave the room carry :class:`ReentrySummary` instead.
    """
    workshop = require_manager(uow, actor, workshop_id)
    names = {p.id: p.name for p in uow.get(ConflictRow, workshop.conflict_id).parties}
    rows = uow.reentries.of_workshop(workshop_id)
    latest: dict[UUID, ReentryRow] = {row.member_id: row for row in rows}
    order = {"high": 0, "elevated": 1, "low": 2}
    register: list[ReentryRisk] = []
    for member_id, row in latest.items():
        member = uow.get(MemberRow, member_id)
        level = risk_level(row.ingroup_pressure, row.marginalisation, row.publicly_exposed)
        register.append(
            ReentryRisk(
                member_id=str(member_id),
                party=names[member.party_id],
                followed_up_on=row.followed_up_on.isoformat(),
                ingroup_pressure=row.ingroup_pressure,
                marginalisation=row.marginalisation,
                publicly_exposed=row.publicly_exposed,
                risk=level,
            )
        )
    register.sort(key=lambda entry: (order[entry.risk], -entry.marginalisation))
    return register


def series_frame(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> pd.DataFrame:
    """Return the survey answers of every workshop of this one's series up to it, with each
    respondent named by one pseudonym per person across the series.

    A workshop stores answers under its own keyed pseudonym per member; a returning
    participant is one person (``candidates.person_id``), so here each workshop's pseudonym
    is mapped to a pseudonym of the person under the conflict's key: answers given in
    workshop I and in workshop II by the same person pair. Columns: respondent, party,
    measure, wave, value, workshop (its place in the series).

    The managers of this workshop read its series' earlier answers too: pseudonymous
    numbers only (no name, no text), so that the team of a later workshop can see what
    changed for the people who came back.
    """
    workshop = require_manager(uow, actor, workshop_id)
    if workshop.series_id is None:
        raise ValidationError("this workshop belongs to no series: its own surveys pair alone")
    names = {p.id: p.name for p in uow.get(ConflictRow, workshop.conflict_id).parties}
    person_key = uow.cipher(workshop.conflict_id)
    frames = []
    for earlier in uow.workshops.of_series(workshop.series_id):
        if earlier.sequence > workshop.sequence:
            continue
        cipher = uow.cipher(earlier.id)
        person_of: dict[str, str] = {}
        for member in uow.members.of_workshop(earlier.id):
            candidate = uow.get(CandidateRow, member.candidate_id)
            person = candidate.person_id or candidate.id
            token = cipher.pseudonym("survey", str(member.id))
            person_of[token] = person_key.pseudonym("survey-person", str(person))
        rows = uow.survey_responses.of_workshop(earlier.id)
        frames.append(
            pd.DataFrame(
                {
                    "respondent": [person_of.get(r.respondent_token, "") for r in rows],
                    "party": [names[r.party_id] for r in rows],
                    "measure": [r.measure for r in rows],
                    "wave": [r.wave for r in rows],
                    "value": [r.value for r in rows],
                    "workshop": [earlier.sequence for _ in rows],
                },
                columns=["respondent", "party", "measure", "wave", "value", "workshop"],
            )
        )
    whole = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return whole[whole["respondent"] != ""] if not whole.empty else whole


@dataclass(frozen=True)
class SeriesChange:
    """Change from the first workshop's pre survey to this workshop's ``after`` wave, paired
    by person across the series (returning participants only), per measure and party."""

    first_workshop: int
    this_workshop: int
    returning: int
    change: pd.DataFrame


def series_effects(
    uow: UnitOfWork,
    actor: Actor,
    workshop_id: UUID,
    *,
    after: str = "post",
    min_group: int = DEFAULT_MIN_GROUP,
) -> SeriesChange:
    """Return the paired change of the series' returning participants, from their first
    workshop's pre survey to this workshop's ``after`` wave, with the same intervals and
    withholding rules as :func:`survey_effects`."""
    require_group_floor(min_group)
    frame = series_frame(uow, actor, workshop_id)
    if frame.empty:
        raise ValidationError("no survey answers are stored for this series yet")
    first, this = int(frame["workshop"].min()), int(frame["workshop"].max())
    if first == this:
        raise ValidationError("only one workshop of the series has survey answers yet")
    later = SurveyWave(after)
    before = frame[(frame["workshop"] == first) & (frame["wave"] == SurveyWave.PRE.value)]
    after_rows = frame[(frame["workshop"] == this) & (frame["wave"] == later.value)]
    if min_group < DEFAULT_MIN_GROUP:
        uow.audit(actor.label, f"lower-min-group-to-{min_group}", "series-effects",
                  workshop_id, workshop_id)  # fmt: skip
    paired = pd.concat([before, after_rows], ignore_index=True).drop(columns="workshop")
    returning = len(set(before["respondent"]) & set(after_rows["respondent"]))
    return SeriesChange(
        first_workshop=first,
        this_workshop=this,
        returning=returning,
        change=paired_change(paired, before=SurveyWave.PRE, after=later, min_group=min_group),
    )
