"""The hazard ledger (隐患台账) from 2024-01-01 to the reference date, fully vectorised.

Every planted (labelled) item of a site appears as an open 重大 finding of a recent 督导检查, so the
ledger and the inspection records agree; historical 重大 findings are all closed (销号) by the
reference date. 一般 findings are mostly rectified on time, some late, a few never: open ones past
their deadline are the overdue cases that lessons on 动态清零 count.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from zhiben_training.synth._config import FIRST_FINDING_DATE, load_json, to_day, weighted_choice
from zhiben_training.synth._plant import PLANTABLE_IDS

NAT = np.datetime64("NaT", "D")


def build_findings(rng: np.random.Generator, sites: dict, total: int, *, reference: dt.date) -> dict:
    cfg = load_json("findings.json")
    ref, first = to_day(reference), to_day(FIRST_FINDING_DATE)
    labels = sites["_labels"]
    p_site = np.repeat(np.arange(len(labels)), [len(lab) for lab in labels])
    p_item = np.array([item for lab in labels for item in lab], dtype=object)
    n_planted = len(p_site)
    active_from = np.maximum(sites["start_date"], first)
    days_active = (ref - active_from).astype(int) + 1
    h_site = rng.choice(len(labels), size=max(total - n_planted, 0), p=days_active / days_active.sum())
    h_found = active_from[h_site] + (rng.random(len(h_site)) * days_active[h_site]).astype(int)
    years = h_found.astype("datetime64[Y]").astype(int) + 1970
    major_share = np.array([cfg["major_share_by_year"].get(str(y), 0.01) for y in range(2024, 2031)])
    h_major = rng.random(len(h_site)) < major_share[np.clip(years - 2024, 0, 6)]
    h_item = np.where(h_major,
                      np.array(PLANTABLE_IDS, dtype=object)[rng.integers(0, len(PLANTABLE_IDS), len(h_site))],
                      "")

    p_found = np.maximum(ref - rng.integers(0, 46, n_planted), active_from[p_site])
    site = np.r_[p_site, h_site]
    found = np.r_[p_found, h_found]
    major = np.r_[np.ones(n_planted, bool), h_major]
    item = np.r_[p_item, h_item]
    planted = np.r_[np.ones(n_planted, bool), np.zeros(len(h_site), bool)]
    n = len(site)

    found, deadline, rectified, closed = _dates(rng, cfg, found, major, planted, ref=ref,
                                                floor=active_from[site])

    channel = np.array(list(cfg["channels"]))[weighted_choice(rng, cfg["channels"], n)]
    channel[planted] = "督导检查"
    general = np.array(cfg["general_descriptions"])
    description = general[rng.integers(0, len(general), n)].astype(object)
    descriptions = cfg["major_descriptions"]
    description[major] = [descriptions[i] for i in item[major]]

    order = np.lexsort((site, found))
    return {
        "finding_id": np.array([f"F{i:07d}" for i in range(1, n + 1)], dtype=object),
        "site_id": sites["site_id"][site[order]],
        "district": sites["district"][site[order]],
        "found_date": found[order],
        "channel": channel[order],
        "level": np.where(major, "重大", "一般")[order],
        "item_id": item[order].astype(str),
        "description": description[order].astype(str),
        "deadline": deadline[order],
        "rectified_date": rectified[order],
        "closed_date": closed[order],
    }


def _dates(rng, cfg, found, major, planted, *, ref, floor):
    """Deadline, rectification and 销号 dates; events after the reference date have not happened yet."""
    n = len(found)
    deadline_days = np.where(major, np.array(cfg["deadline_days"]["重大"])[rng.integers(0, 4, n)],
                             np.array(cfg["deadline_days"]["一般"])[rng.integers(0, 5, n)])
    on_time = rng.random(n) < np.where(major, cfg["on_time_share"]["重大"], cfg["on_time_share"]["一般"])
    fix_days = np.where(on_time, (rng.random(n) * deadline_days).astype(int) + 1,
                        deadline_days + rng.integers(1, cfg["late_days_max"] + 1, n))
    lo_g, hi_g = cfg["close_delay_days"]["一般"]
    lo_m, hi_m = cfg["close_delay_days"]["重大"]
    close_days = fix_days + np.where(major, rng.integers(lo_m, hi_m + 1, n), rng.integers(lo_g, hi_g + 1, n))
    # historical 重大 findings are closed by the reference date: move the whole episode earlier if needed
    overshoot = (found + close_days - ref).astype(int)
    shift = np.where(major & ~planted & (overshoot > 0), overshoot + rng.integers(1, 30, n), 0)
    found = np.maximum(found - shift, floor)  # never before the site started or 2024-01-01
    deadline = found + deadline_days
    rectified = found + fix_days
    closed = found + close_days
    never = (~major & (rng.random(n) < cfg["never_rectified_share"])) | planted
    rectified = np.where(never | (rectified > ref), NAT, rectified)
    closed = np.where(np.isnat(rectified) | (closed > ref), NAT, closed)
    return found, deadline, rectified, closed
