"""Sites: the projects table and the intended major-hazard label of each site.

Most sites are compliant; some get 1–3 planted 2024 major-hazard items drawn from chapters 4–15.
Sites planted with 4.1 draw half of the time a contractor whose safety licence has lapsed, so the
enterprises table and the record agree; tunnel items (第十三条) only go to 轨道交通 projects.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from zhiben_training.synth._config import load_json, to_day
from zhiben_training.synth._plant import PLANTABLE_IDS

_PHASES = np.array(["", "一期", "二期", "三期", "（南区）", "（北区）"])
_MUNICIPAL_NAMES = {"市政道路": "道路新建工程", "桥梁": "桥梁工程", "轨道交通": "地铁车站及区间土建工程",
                    "综合管廊": "综合管廊工程"}
_BUILDING_NAMES = {"住宅": "住宅项目", "公共建筑": "综合楼项目", "工业厂房": "厂房项目"}


def draw_labels(rng: np.random.Generator, n: int) -> list[tuple[str, ...]]:
    """Per site: the set of planted item ids (mostly none), sorted in criterion order."""
    counts_spec = load_json("works.json")["label_counts"]
    sizes = np.array([int(k) for k in counts_spec])[
        rng.choice(len(counts_spec), size=n,
                   p=np.array(list(counts_spec.values())) / sum(counts_spec.values()))]
    order = {item: i for i, item in enumerate(PLANTABLE_IDS)}
    chapters: dict[str, list[str]] = {}
    for item in PLANTABLE_IDS:
        chapters.setdefault(item.split(".")[0], []).append(item)
    by_chapter = list(chapters.values())
    labels = []
    for size in sizes:
        # chapter first, then an item of it: every chapter is equally likely, whatever its item count
        picked: set[str] = set()
        while len(picked) < size:
            items = by_chapter[int(rng.integers(0, len(by_chapter)))]
            picked.add(items[int(rng.integers(0, len(items)))])
        labels.append(tuple(sorted(picked, key=order.__getitem__)))
    return labels


def build_sites(rng: np.random.Generator, n: int, ent: dict, *, reference: dt.date) -> dict[str, np.ndarray]:
    """Column arrays of the sites table plus internal helpers (``_labels``, ``_record_type``, …)."""
    spec = load_json("works.json")["project_types"]
    labels = draw_labels(rng, n)
    names = list(spec)
    shares = np.array([spec[k]["share"] for k in names])
    ptype = np.array(names)[rng.choice(len(names), size=n, p=shares / shares.sum())]
    tunnel = np.array([any(i.startswith("13.") for i in lab) for lab in labels])
    ptype[tunnel] = "轨道交通"
    record_type = np.array([spec[t]["record_type"] for t in ptype])
    building = record_type == "房屋建筑"
    area = np.full(n, np.nan)
    value = np.empty(n)
    wan = load_json("works.json")["wan_per_m2"]
    for t in names:
        mask = ptype == t
        k = int(mask.sum())
        if "area" in spec[t]:
            area[mask] = np.round(_lognormal(rng, spec[t]["area"], k), -1)
            value[mask] = np.round(area[mask] * wan[0] * np.exp(rng.normal(0, wan[1], k)), 0)
        else:
            value[mask] = np.round(_lognormal(rng, spec[t]["value"], k), 0)
    contractor = _contractors(rng, ent, labels, reference=reference)
    supervisors = np.flatnonzero(ent["enterprise_type"] == "监理")
    district = ent["district"][contractor]
    own = rng.random(n) < 0.6  # most projects are in the contractor's district, the rest anywhere
    all_districts = np.unique(ent["district"])
    district = np.where(own, district, all_districts[rng.integers(0, len(all_districts), n)])
    start = to_day(reference) - rng.integers(45, 1500, n)
    site_id = np.char.add("S", np.char.zfill((np.arange(n) + 1).astype(str), 6))
    return {
        "site_id": site_id,
        "name": _site_names(rng, ptype, district),
        "contractor_uscc": ent["uscc"][contractor],
        "supervisor_uscc": ent["uscc"][supervisors[rng.integers(0, len(supervisors), n)]],
        "district": district,
        "project_type": ptype,
        "floor_area_m2": np.where(building, area, np.nan),
        "contract_value_wan": value,
        "start_date": start,
        "label_major_hazard_ids": np.array([";".join(lab) for lab in labels]),
        "_labels": labels,
        "_record_type": record_type,
        "_contractor": contractor,
        "_required_managers": _required_managers(building, area, value),
    }


def _lognormal(rng, spec, size):
    median, sigma, lo, hi = spec
    return np.clip(median * np.exp(rng.normal(0, sigma, size)), lo, hi)


def _required_managers(building: np.ndarray, area: np.ndarray, value: np.ndarray) -> np.ndarray:
    """建质〔2008〕91号 第十三条: by floor area (buildings) or contract value (civil works; unverified)."""
    by_area = np.where(area < 10_000, 1, np.where(area < 50_000, 2, 3))
    by_value = np.where(value < 5_000, 1, np.where(value < 10_000, 2, 3))
    return np.where(building, by_area, by_value)


def _contractors(rng, ent, labels, *, reference: dt.date) -> np.ndarray:
    """General contractors with a valid licence; half of the 4.1 sites get one whose licence lapsed."""
    general = (ent["enterprise_type"] == "施工") & (ent["construction_kind"] == "总承包")
    valid = ent["licence_expiry"] >= to_day(reference)
    weights = {"特级": 12, "一级": 5, "二级": 2, "三级": 1}
    w = np.array([weights.get(g, 0) for g in ent["qualification_grade"]], dtype=float)
    good = np.flatnonzero(general & valid)
    lapsed = np.flatnonzero(general & ~valid)
    pick = good[rng.choice(len(good), size=len(labels), p=w[good] / w[good].sum())]
    wants_lapsed = np.array(["4.1" in lab for lab in labels]) & (rng.random(len(labels)) < 0.5)
    if len(lapsed):
        pick[wants_lapsed] = lapsed[rng.integers(0, len(lapsed), int(wants_lapsed.sum()))]
    return pick


def _site_names(rng, ptype, district) -> np.ndarray:
    places = load_json("tianjin_places.json")
    prefixes, words = np.array(places["estate_prefixes"]), np.array(places["estate_words"])
    n = len(ptype)
    estate = np.char.add(prefixes[rng.integers(0, len(prefixes), n)], words[rng.integers(0, len(words), n)])
    phase = _PHASES[rng.integers(0, len(_PHASES), n)]
    road_pick = rng.random(n)
    out = []
    for i in range(n):
        if ptype[i] in _BUILDING_NAMES:
            out.append(f"{estate[i]}{phase[i]}{_BUILDING_NAMES[ptype[i]]}")
        else:
            roads = places["roads"][district[i]]
            out.append(f"{district[i]}{roads[int(road_pick[i] * len(roads))]}{_MUNICIPAL_NAMES[ptype[i]]}")
    return np.array(out)
