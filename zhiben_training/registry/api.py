"""``Registry``: the public face of the training registry (docs/data-contracts.md, "Registry entry points").

Methods return DataFrames or plain dicts with full ID numbers; the CLI masks them when it prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import Engine, select

from zhiben_training.errors import NotFoundError
from zhiben_training.identifiers import mask_id

from . import models as m
from .audit import audit_entries
from .certificates import renew_certificate
from .completion import completion_dates, result_outcomes
from .names import certificate_type_name, round_title
from .renewals import renewals_due
from .rounds import open_rounds
from .scores import RecordedResults, record_results, recorded_item_scores
from .status import annual_hour_entries, round_status, summarise
from .store import make_engine, upgrade, write_transaction
from .synthetic import load_city_frames, read_city

if TYPE_CHECKING:
    from .imports import ImportResult

__all__ = ["Registry", "open_registry", "registry_url"]


def open_registry(url: str | None = None) -> Registry:
    """Open (creating and migrating to the newest schema) the registry at ``url``.

    ``url`` defaults to ``$ZHIBEN_DB_URL`` or ``~/.local/share/zhiben/registry.sqlite`` (see
    :mod:`zhiben_training.paths`).
    """
    engine = make_engine(url)
    upgrade(engine)
    return Registry(engine)


def registry_url(url: str | None = None) -> str:
    """The address ``url`` resolves to (the same default as :func:`open_registry`), password hidden,
    without migrating anything (``zhiben db where``)."""
    engine = make_engine(url)
    try:
        return engine.url.render_as_string(hide_password=True)
    finally:
        engine.dispose()


class Registry:
    """A handle on one registry database; cheap to create, safe to share within a process."""

    def __init__(self, engine: Engine):
        self.engine = engine

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- filling ---------------------------------------------------------------------------------
    def load_synthetic(self, directory: Path, *, replace: bool = False,
                       on_progress: Callable[[str], None] | None = None) -> dict[str, int]:
        """Load a synthetic city written by ``zhiben synth`` (all tables, one transaction)."""
        return load_city_frames(self.engine, read_city(Path(directory)), replace=replace,
                                on_progress=on_progress, source=str(directory))

    def load_frames(self, frames: dict[str, pd.DataFrame], *, replace: bool = False) -> dict[str, int]:
        """Like :meth:`load_synthetic` for tables already in memory (benchmarks, notebooks)."""
        return load_city_frames(self.engine, frames, replace=replace)

    def open_rounds(self, *, year: int, required_hours: float | None = None,
                    pass_mark: float | None = None) -> list[str]:
        """Create this year's round for every audience that lacks one; returns the new round ids."""
        with write_transaction(self.engine) as conn:
            return open_rounds(conn, year=year, required_hours=required_hours, pass_mark=pass_mark)

    def import_file(self, kind: str, path: Path, *, actor: str = "zhiben import",
                    on_progress: Callable[[str], None] | None = None) -> ImportResult:
        """Validate and import one XLSX/CSV file (see :mod:`zhiben_training.registry.imports`)."""
        from .imports import import_file

        return import_file(self.engine, kind, Path(path), actor=actor, on_progress=on_progress)

    def record_assessment_results(self, *, round_id: str, rows: Iterable[dict] | pd.DataFrame, actor: str,
                                  reason: str) -> RecordedResults:
        """Store results from the gradebook (with their ``items`` scores, in one transaction); every new or
        changed grade is audited. Says which results were new, changed and unchanged."""
        with write_transaction(self.engine) as conn:
            return record_results(conn, round_id=round_id, rows=rows, actor=actor, reason=reason)

    def recorded_item_scores(self, *, round_id: str, paper: str | None = None) -> dict[str, dict[str, float]]:
        """Per person, the item scores last recorded with their results: ``{person_id: {item_id: score}}``."""
        with self.engine.connect() as conn:
            return recorded_item_scores(conn, round_id=round_id, paper=paper)

    def renew_certificate(self, *, cert_no: str, actor: str, reason: str, applied_on: dt.date,
                          today: dt.date | None = None, reviewed: bool = False,
                          override_blockers: bool = False) -> dict:
        """Extend a certificate applied for on ``applied_on`` (17号令 第十条 / 75号 第二十二条); recorded
        and audited."""
        with write_transaction(self.engine) as conn:
            return renew_certificate(conn, cert_no=cert_no, actor=actor, reason=reason, applied_on=applied_on,
                                     today=today, reviewed=reviewed, override_blockers=override_blockers)

    # -- reading ---------------------------------------------------------------------------------
    def status(self, *, round_id: str, person_id: str | None = None, enterprise_uscc: str | None = None,
               district: str | None = None, today: dt.date | None = None,
               with_completion_dates: bool = False) -> pd.DataFrame:
        """Per-person status in ``round_id`` (completed / in_progress / overdue / not_enrolled), one pass;
        ``with_completion_dates`` adds ``completed_date``: the day a completed person completed, else None."""
        with self.engine.connect() as conn:
            frame = round_status(conn, round_id=round_id, person_id=person_id,
                                 enterprise_uscc=enterprise_uscc, district=district, today=today)
            if with_completion_dates:
                frame["completed_date"] = completion_dates(conn, frame, round_id=round_id)
            return frame

    def result_outcomes(self, *, round_id: str | None = None, until: dt.date | None = None) -> pd.DataFrame:
        """Per person and round: ``passed`` (any attempt up to ``until``), ``taken_date`` the day that decided
        it (the first pass, else the last attempt) and ``score_pct`` the best score in percent."""
        with self.engine.connect() as conn:
            return result_outcomes(conn, round_id=round_id, until=until)

    def status_summary(self, *, round_id: str, by: str = "district", district: str | None = None,
                       enterprise_uscc: str | None = None, today: dt.date | None = None) -> pd.DataFrame:
        """Status counts per district or per enterprise (``by="enterprise_uscc"``)."""
        frame = self.status(round_id=round_id, district=district, enterprise_uscc=enterprise_uscc,
                            today=today)
        return summarise(frame, by=by)

    def person_status(self, person_id: str, *, round_id: str | None = None,
                      today: dt.date | None = None) -> tuple[dict, pd.DataFrame]:
        """One person's registry row and their status in ``round_id``, or in every round that covers them
        (in round order); ``NotFoundError`` when the registry holds no such person."""
        people = self.people()
        match = people[people["person_id"] == person_id]
        if match.empty:
            raise NotFoundError(f"登记库中没有身份证号为 {mask_id(person_id)} 的人员。")
        round_ids = [round_id] if round_id else sorted(self.rounds()["round_id"])
        frames = [self.status(round_id=r, person_id=person_id, today=today) for r in round_ids]
        covered = [f for f in frames if not f.empty] or frames[:1] or [pd.DataFrame()]
        return match.iloc[0].to_dict(), pd.concat(covered, ignore_index=True)

    def renewals_due(self, *, days: int, today: dt.date | None = None, district: str | None = None,
                     enterprise_uscc: str | None = None) -> pd.DataFrame:
        """Certificates expiring in the next ``days`` days, with renewal window and blockers;
        ``cert_type_name`` says the type in words (A证（主要负责人）,
        建筑施工特种作业操作资格证书（建筑电工）)."""
        with self.engine.connect() as conn:
            due = renewals_due(conn, days=days, today=today, district=district,
                               enterprise_uscc=enterprise_uscc)
        due["cert_type_name"] = [certificate_type_name(t, o) for t, o in
                                 zip(due["cert_type"], due["operation_type"], strict=True)]
        return due

    def annual_hour_entries(self, *, audience: str) -> pd.DataFrame:
        """Dated hours counting toward ``audience``'s annual hours (round attendance, plus continuing
        education where the rules count it: 75号 第十七条); the same rule round status applies."""
        with self.engine.connect() as conn:
            return annual_hour_entries(conn, audience=audience)

    def roster(self, *, round_id: str, today: dt.date | None = None,
               with_completion_dates: bool = False) -> pd.DataFrame:
        """Everyone the round covers with enterprise, hours, result and status (unmasked)."""
        frame = self.status(round_id=round_id, today=today, with_completion_dates=with_completion_dates)
        people = self.people()[["person_id", "sex", "birth_date"]]
        return frame.merge(people, on="person_id", how="left")

    def _table(self, model, *, where=None, order=None) -> pd.DataFrame:
        table = model.__table__
        stmt = select(table)
        if where is not None:
            stmt = stmt.where(where)
        stmt = stmt.order_by(*(order or list(table.primary_key.columns)))
        with self.engine.connect() as conn:
            result = conn.execute(stmt)
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def enterprises(self) -> pd.DataFrame:
        return self._table(m.Enterprise)

    def people(self) -> pd.DataFrame:
        return self._table(m.Person)

    def certificates(self) -> pd.DataFrame:
        return self._table(m.Certificate)

    def rounds(self) -> pd.DataFrame:
        """Every round, with ``title`` in words (2026年度主要负责人安全生产培训) beside its ``round_id``."""
        frame = self._table(m.TrainingRound)
        frame["title"] = [round_title(round_id=r, year=y, audience=a) for r, y, a in
                          zip(frame["round_id"], frame["year"], frame["audience"], strict=True)]
        return frame

    def round_title(self, round_id: str) -> str:
        """The round's name in words; the id itself for a round the registry does not hold."""
        rounds = self.rounds()
        match = rounds[rounds["round_id"] == round_id]
        return str(match["title"].iloc[0]) if not match.empty else round_id

    def default_round(self) -> str | None:
        """The round a question without one is about: the latest principals' round (the campaign's
        yearly training), else the latest round; None when the registry holds no round."""
        rounds = self.rounds()
        if rounds.empty:
            return None
        principal = rounds[rounds["audience"] == "principal"]
        chosen = principal if not principal.empty else rounds
        return str(chosen.sort_values(["year", "round_id"]).iloc[-1]["round_id"])

    def sites(self) -> pd.DataFrame:
        return self._table(m.Site)

    def attendance(self, *, round_id: str | None = None) -> pd.DataFrame:
        where = None if round_id is None else m.Attendance.round_id == round_id
        return self._table(m.Attendance, where=where)

    def assessment_results(self, *, round_id: str | None = None) -> pd.DataFrame:
        where = None if round_id is None else m.AssessmentResult.round_id == round_id
        return self._table(m.AssessmentResult, where=where)

    def continuing_education(self) -> pd.DataFrame:
        return self._table(m.ContinuingEducation)

    def sanctions(self) -> pd.DataFrame:
        return self._table(m.Sanction)

    def findings(self, *, year: int | None = None, quarter: int | None = None,
                 district: str | None = None) -> pd.DataFrame:
        """The hazard ledger, optionally one year / quarter (by ``found_date``) / district."""
        f = m.Finding.__table__
        conditions = []
        if year is not None:
            first_month = 1 if quarter is None else 3 * (quarter - 1) + 1
            last_month = 12 if quarter is None else first_month + 2
            start = dt.date(year, first_month, 1)
            end = dt.date(year + (last_month == 12), last_month % 12 + 1, 1)
            conditions += [f.c.found_date >= start, f.c.found_date < end]
        if district is not None:
            conditions.append(f.c.district == district)
        from sqlalchemy import and_

        return self._table(m.Finding, where=and_(*conditions) if conditions else None,
                           order=[f.c.found_date, f.c.finding_id])

    def audit_log(self, *, entity: str | None = None, entity_key: str | None = None) -> pd.DataFrame:
        with self.engine.connect() as conn:
            return audit_entries(conn, entity=entity, entity_key=entity_key)
