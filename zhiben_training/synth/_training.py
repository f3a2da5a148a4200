"""Training history 2024–2026: rounds per audience, attendance, assessment results,
continuing-education entries and sanctions. Only events up to the reference date are written."""

from __future__ import annotations

import datetime as dt

import numpy as np

from zhiben_training.synth._config import load_json, to_day, weighted_choice


def audience_of(role: np.ndarray) -> np.ndarray:
    """'principal' / 'safety' / 'special' per person from the role, as configured in training.json."""
    out = np.full(len(role), "", dtype=object)
    for audience, spec in load_json("training.json")["audiences"].items():
        out[np.isin(role, spec["roles"])] = audience
    return out.astype(str)


def build_rounds() -> dict[str, np.ndarray]:
    cfg = load_json("training.json")
    rows = [(year, audience, spec) for year in cfg["years"] for audience, spec in cfg["audiences"].items()]
    return {
        "round_id": np.array([f"{y}-{a}" for y, a, _ in rows]),
        "year": np.array([y for y, _, _ in rows]),
        "audience": np.array([a for _, a, _ in rows]),
        "required_hours": np.array([s["required_hours"] for _, _, s in rows], dtype=float),
        "required_hours_status": np.array([s["required_hours_status"] for _, _, s in rows]),
        "pass_mark": np.array([s["pass_mark"] for _, _, s in rows], dtype=float),
        "start_date": np.array([f"{y}-{s['window'][0]}" for y, _, s in rows], dtype="datetime64[D]"),
        "end_date": np.array([f"{y}-{s['window'][1]}" for y, _, s in rows], dtype="datetime64[D]"),
    }


def build_attendance(rng: np.random.Generator, people: dict, rounds: dict, *, employer_type: np.ndarray,
                     reference: dt.date) -> tuple[dict, dict]:
    """Sessions of 8 hours per person and round (some missed) and the assessment attempts that follow.

    A round's audience is its roles at its enterprise types (``training.json``, as registry_rules.json):
    principals of 勘察、设计、施工、监理 enterprises alike (action plan 二、（一）2), 安管人员 and
    special-operation workers of 施工 enterprises."""
    cfg = load_json("training.json")
    audience = audience_of(people["role"])
    pairs_p, pairs_r = [], []
    for r, aud in enumerate(rounds["audience"]):
        types = cfg["audiences"][aud]["enterprise_types"]
        members = np.flatnonzero((audience == aud) & np.isin(employer_type, types))
        joined = members[rng.random(len(members)) < cfg["audiences"][aud]["participation"]]
        pairs_p.append(joined)
        pairs_r.append(np.full(len(joined), r))
    person, rnd = np.concatenate(pairs_p), np.concatenate(pairs_r)
    hours_per = np.array([cfg["audiences"][a]["session_hours"] for a in rounds["audience"]])[rnd]
    sessions = np.ceil(rounds["required_hours"][rnd] / hours_per).astype(int)
    sessions -= (rng.random(len(person)) < cfg["incomplete_session_share"]).astype(int)
    s_person, s_round = np.repeat(person, sessions), np.repeat(rnd, sessions)
    start, end = rounds["start_date"][s_round], rounds["end_date"][s_round]
    span = (end - start).astype(int) + 1
    # stratified: session k of n falls in the k-th n-th of the window, so one person's sessions never
    # share a day
    k = np.arange(len(s_person)) - np.repeat(np.cumsum(sessions) - sessions, sessions)
    n_sessions = np.repeat(sessions, sessions)
    lo, hi = k * span // n_sessions, (k + 1) * span // n_sessions
    day = start + lo + (rng.random(len(s_person)) * (hi - lo)).astype(int)
    keep = day <= to_day(reference)
    order = np.lexsort((day[keep], s_round[keep], s_person[keep]))
    attendance = {
        "person_id": people["person_id"][s_person[keep]][order],
        "round_id": rounds["round_id"][s_round[keep]][order],
        "session_date": day[keep][order],
        "hours": hours_per[np.repeat(np.arange(len(person)), sessions)][keep][order].astype(float),
    }
    return attendance, _results(rng, people, rounds, person, rnd, reference=reference)


def _results(rng, people, rounds, person, rnd, *, reference: dt.date) -> dict:
    """One row per (person, round, paper): the final attempt; failed ones are often retaken 2–4 weeks later.

    ``attempts`` says whether the row is a retake (2); the first score of a retaken paper is ``first_score``.
    """
    cfg = load_json("training.json")
    paper_of = {a: s["paper"] for a, s in cfg["audiences"].items()}
    papers = np.array([paper_of[a] or "" for a in rounds["audience"]])[rnd]
    mask = papers != ""
    person, rnd, papers = person[mask], rnd[mask], papers[mask]
    first = np.clip(np.rint(rng.normal(cfg["score_mean"], cfg["score_sd"], len(person))), 20, 100)
    taken = rounds["end_date"][rnd] - rng.integers(0, 15, len(person))
    retake_draw = rng.random(len(person)) < cfg["retake_share"]
    second = np.clip(np.rint(rng.normal(cfg["score_mean"] - 4, cfg["score_sd"], len(person))), 20, 100)
    retake_day = taken + rng.integers(14, 31, len(person))
    retaken = (first < rounds["pass_mark"][rnd]) & retake_draw & (retake_day <= to_day(reference))
    score = np.where(retaken, second, first)
    taken = np.where(retaken, retake_day, taken)
    keep = taken <= to_day(reference)
    sel = np.flatnonzero(keep)[np.lexsort((rnd[keep], person[keep]))]
    return {
        "person_id": people["person_id"][person[sel]],
        "round_id": rounds["round_id"][rnd[sel]],
        "paper": papers[sel],
        "score": score[sel],
        "max_score": np.full(len(sel), 100.0),
        "passed": score[sel] >= rounds["pass_mark"][rnd[sel]],
        "taken_date": taken[sel],
        "attempts": np.where(retaken, 2, 1)[sel],
        "first_score": first[sel],
    }


def build_continuing_education(rng: np.random.Generator, people: dict, *, reference: dt.date) -> dict:
    """Poisson-many entries per person and year, dated within the year and not after the reference date."""
    cfg = load_json("training.json")
    ce = cfg["continuing_education"]
    audience = audience_of(people["role"])
    rate = np.array([ce["entries_per_year"].get(a, 0.0) for a in audience])
    years = np.array(cfg["years"])
    counts = rng.poisson(np.repeat(rate[:, None], len(years), axis=1))
    person = np.repeat(np.repeat(np.arange(len(rate)), len(years)), counts.ravel())
    year = np.repeat(np.tile(years, len(rate)), counts.ravel())
    day = np.array([f"{y}-01-01" for y in year], dtype="datetime64[D]") + rng.integers(0, 365, len(person))
    topic = rng.integers(0, len(ce["topics"]), len(person))
    hours = np.array(ce["hours"], dtype=float)[rng.integers(0, len(ce["hours"]), len(person))]
    provider = np.array(ce["providers"])[rng.integers(0, len(ce["providers"]), len(person))]
    keep = day <= to_day(reference)
    # one entry per person, day and topic (a repeated draw is dropped)
    key = (person.astype(np.int64) * 100_000 + day.astype(np.int64)) * 100 + topic
    _, first = np.unique(np.where(keep, key, -1), return_index=True)
    sel = np.sort(first[keep[first]])
    sel = sel[np.lexsort((day[sel], person[sel]))]
    return {
        "person_id": people["person_id"][person[sel]],
        "date": day[sel],
        "hours": hours[sel],
        "topic": np.array(ce["topics"])[topic[sel]],
        "provider": provider[sel],
    }


def build_sanctions(rng: np.random.Generator, people: dict, *, reference: dt.date) -> dict:
    cfg = load_json("training.json")["sanctions"]
    n_people = len(people["person_id"])
    who = np.sort(rng.choice(n_people, size=max(1, int(n_people * cfg["share_of_people"])), replace=False))
    start = np.datetime64("2024-01-01")
    span = (to_day(reference) - start).astype(int)
    return {
        "person_id": people["person_id"][who],
        "enterprise_uscc": people["enterprise_uscc"][who],
        "date": start + rng.integers(0, span + 1, len(who)),
        "kind": np.array(list(cfg["kinds"]))[weighted_choice(rng, cfg["kinds"], len(who))],
        "reason": np.array(cfg["reasons"])[rng.integers(0, len(cfg["reasons"]), len(who))],
    }
