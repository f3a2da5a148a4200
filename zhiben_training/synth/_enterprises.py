"""Enterprises: 勘察, 设计, 施工 (总承包/专业承包/劳务) and 监理, with USCC, name, address and licence."""

from __future__ import annotations

import datetime as dt

import numpy as np

from zhiben_training.synth._config import add_years, districts, load_json, to_day, weighted_choice
from zhiben_training.synth._vector import addresses, usccs


def district_draw(rng: np.random.Generator, n: int) -> np.ndarray:
    """District indices (into ``districts()``) weighted by construction activity."""
    weights = load_json("distributions.json")["district_weights"]
    names = [d["name"] for d in districts()]
    return rng.choice(len(names), size=n, p=np.array([weights[x] for x in names]) / sum(weights.values()))


def build_enterprises(rng: np.random.Generator, n: int, *, reference: dt.date) -> dict[str, np.ndarray]:
    """Column arrays of the enterprises table (``legal_rep_id`` is filled in by the people step)."""
    dist = load_json("distributions.json")
    kinds = list(dist["enterprise_types"])
    kind = np.array(kinds)[weighted_choice(rng, dist["enterprise_types"], n)]
    # tiny scales keep every kind
    kind[: min(n, 4)] = ["施工/总承包", "监理", "施工/专业承包", "施工/劳务"][: min(n, 4)]
    grade = np.empty(n, dtype=object)
    for k in kinds:
        mask = kind == k
        options = list(dist["grades"][k])
        grade[mask] = np.array(options)[weighted_choice(rng, dist["grades"][k], int(mask.sum()))]
    dists = districts()
    d_idx = district_draw(rng, n)
    district = np.array([d["name"] for d in dists])[d_idx]
    code = np.array([int(d["code"]) for d in dists])[d_idx]
    enterprise_type = np.array([k.split("/")[0] for k in kind])
    construction_kind = np.array([k.split("/")[1] if "/" in k else "" for k in kind])
    is_builder = enterprise_type == "施工"
    licence_expiry = to_day(reference) + rng.integers(-200, 3 * 365, n)
    licence_issue = add_years(licence_expiry + 1, -dist["licence_validity_years"])
    serial = rng.permutation(n) + 1
    licence_no = np.char.add(np.char.add("SYN-津安许-", licence_issue.astype("datetime64[Y]").astype(str)),
                             np.char.add("-", np.char.zfill(serial.astype(str), 6)))
    return {
        "uscc": usccs(rng, code),
        "name": _names(rng, kind),
        "enterprise_type": enterprise_type,
        "construction_kind": construction_kind,
        "qualification_grade": grade.astype(str),
        "district": district,
        "district_code": code.astype(str),
        "address": addresses(rng, district),
        "licence_no": np.where(is_builder, licence_no, ""),
        "licence_issue": np.where(is_builder, licence_issue, np.datetime64("NaT")),
        "licence_expiry": np.where(is_builder, licence_expiry, np.datetime64("NaT")),
        "kind_key": kind,
    }


def _names(rng: np.random.Generator, kind: np.ndarray) -> np.ndarray:
    """Unique names "天津市" + two-character trade name + pattern; duplicates are redrawn."""
    data = load_json("enterprise_names.json")
    first, second = np.array(data["trade_first"]), np.array(data["trade_second"])
    out = np.empty(len(kind), dtype=object)
    todo = np.arange(len(kind))
    taken: set[str] = set()
    for _attempt in range(50):
        trade = np.char.add(first[rng.integers(0, len(first), len(todo))],
                            second[rng.integers(0, len(second), len(todo))])
        pick = rng.random(len(todo))
        retry = []
        for i, t, p in zip(todo, trade, pick, strict=True):
            patterns = data["patterns"][kind[i]]
            prefix, suffix = patterns[int(p * len(patterns))]
            name = f"{prefix}{t}{suffix}"
            if name in taken or t[0] == t[1]:
                retry.append(i)
                continue
            taken.add(name)
            out[i] = name
        todo = np.array(retry, dtype=int)
        if not len(todo):
            return out.astype(str)
    raise ValueError("could not draw unique enterprise names")
