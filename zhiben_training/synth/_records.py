"""Inspection records of the sites (docs/record-format.md), built on a fast path.

Random draws are made per work specification for all sites at once; the per-site loop only
assembles dicts. Each record starts compliant, then the planters add exactly the facts of the
site's intended label. Personnel are real rows of the people and certificates tables.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import numpy as np

from zhiben_training.synth._config import load_json, to_day
from zhiben_training.synth._plant import PLANTERS, PlantContext
from zhiben_training.synth._works import CGM, WD, classify, clean_equipment, lognormal, make_clean


class _Pools:
    """Certificate holders by employer and kind, valid or lapsed on the inspection date."""

    def __init__(self, people: dict, certs: dict, rng: np.random.Generator, *, reference: dt.date):
        self.people, self.certs, self.rng = people, certs, rng
        self.valid = certs["expiry_date"] >= to_day(reference)
        self.expiry_iso = np.datetime_as_string(certs["expiry_date"], unit="D")
        employer = people["employer_index"][certs["_holder"]]
        kind = np.where(np.char.startswith(certs["cert_type"], "C"), "C", certs["cert_type"])
        self.by_employer: dict[tuple[str, int], np.ndarray] = {}
        self.global_valid: dict[str, np.ndarray] = {}
        for k in ("B", "C", "SPECIAL"):
            idx = np.flatnonzero((kind == k) & self.valid)
            self.global_valid[k] = idx
            order = idx[np.argsort(employer[idx], kind="stable")]
            emp_sorted = employer[order]
            cuts = np.flatnonzero(np.r_[True, emp_sorted[1:] != emp_sorted[:-1]])
            for start, end in zip(cuts, np.r_[cuts[1:], len(order)], strict=True):
                self.by_employer[(k, int(emp_sorted[start]))] = order[start:end]
        self.lapsed = {k: np.flatnonzero((kind == k) & ~self.valid) for k in ("B", "SPECIAL")}
        self.employer = employer

    def pick(self, kind: str, employer: int, count: int) -> list[int]:
        own = self.by_employer.get((kind, employer), np.empty(0, dtype=int))
        pool = own if len(own) >= count else self.global_valid[kind]
        if count <= 0 or not len(pool):
            return []
        return [int(i) for i in self.rng.choice(pool, size=min(count, len(pool)), replace=False)]

    def entry(self, cert: int) -> dict:
        person = int(self.certs["_holder"][cert])
        entry = {"person_id": str(self.people["person_id"][person]), "name": str(self.people["name"][person]),
                 "role": str(self.people["role"][person])}
        op = str(self.certs["operation_type"][cert])
        cert_entry = {"type": str(self.certs["cert_type"][cert]), "number": str(self.certs["cert_no"][cert])}
        if op:
            entry["operation_type"] = op
            cert_entry["operation_type"] = op
        cert_entry["valid_until"] = str(self.expiry_iso[cert])
        entry["certificates"] = [cert_entry]
        return entry

    def lapsed_entry(self, kind: str, employer: int) -> dict | None:
        """A holder whose certificate has lapsed, from the contractor itself when it has one."""
        pool = self.lapsed[kind]
        own = pool[self.employer[pool] == employer]
        pool = own if len(own) else pool
        return self.entry(int(pool[self.rng.integers(0, len(pool))])) if len(pool) else None


def _draw_works(rng: np.random.Generator, record_type: np.ndarray) -> list[list[dict]]:
    """Vectorised draws per work spec; returns the (unclean) works of every site."""
    spec = load_json("works.json")["works"]
    n = len(record_type)
    works: list[list[dict]] = [[] for _ in range(n)]
    for rt, specs in spec.items():
        for s in specs:
            present = np.flatnonzero((record_type == rt) & (rng.random(n) < s["p"]))
            numeric = {k: lognormal(rng, v, n) for k, v in s.get("numeric", {}).items()}
            choice = {k: np.array(list(v))[rng.choice(len(v), size=n, p=np.array(list(v.values())))]
                      for k, v in s.get("choice", {}).items()}
            for i in present:
                work = {"work_type": s["work_type"], "name": s["name"], **s.get("fixed", {})}
                work.update({k: float(v[i]) for k, v in numeric.items()})
                work.update({k: (v[i] == "true") if v[i] in ("true", "false") else str(v[i])
                             for k, v in choice.items()})
                works[i].append(work)
    return works


def build_records(rng: np.random.Generator, sites: dict, ent: dict, people: dict, certs: dict, *,
                  reference: dt.date) -> Iterator[tuple[dict, int, int]]:
    """Yield (record, 危大 count, 超规模 count) per site, in site order."""
    n = len(sites["site_id"])
    pools = _Pools(people, certs, rng, reference=reference)
    works_all = _draw_works(rng, sites["_record_type"])
    experts = rng.integers(5, 10, n)
    adjacent = rng.random(n) < 0.35
    allowed = np.array([15.0, 20.0, 25.0, 30.0])[rng.integers(0, 4, n)]
    extra_manager = rng.random(n) < 0.3
    n_special = rng.integers(2, 5, n)
    equip_spec = load_json("works.json")["equipment"]
    equip_draw = {rt: {t: (rng.random(n) < p) * np.maximum(1, rng.poisson(m, n))
                       for t, (m, p) in types.items()}
                  for rt, types in equip_spec.items()}
    obs_draw = rng.random((n, 4))
    iso = reference.isoformat()
    licence_until = np.datetime_as_string(ent["licence_expiry"], unit="D")
    for i in range(n):
        c = int(sites["_contractor"][i])
        rt = str(sites["_record_type"][i])
        required = int(sites["_required_managers"][i])
        managers = required + int(extra_manager[i])
        record = {
            "format_version": "2", "record_id": f"R-{sites['site_id'][i]}-{reference:%Y%m%d}",
            "site_id": str(sites["site_id"][i]), "inspection_date": iso,
            "project": _project(sites, i, rt),
            "enterprise": {"uscc": str(ent["uscc"][c]), "name": str(ent["name"][c]),
                           "construction_kind": "总承包",
                           "qualification_grade": str(ent["qualification_grade"][c]),
                           "safety_licence_valid_until": str(licence_until[c]),
                           "qualification_covers_work": True},
            "staffing": {"project_safety_managers": managers},
            "personnel": [pools.entry(j) for j in pools.pick("B", c, 1) + pools.pick("C", c, managers)
                          + pools.pick("SPECIAL", c, int(n_special[i]))],
        }
        levels = []
        for k, work in enumerate(works_all[i]):
            work["work_id"] = f"W-{k + 1:02d}"
            levels.append(make_clean(work, experts=int(experts[i]), adjacent=bool(adjacent[i]),
                                     allowed_surcharge=float(allowed[i]))[1])
        record["works"] = works_all[i]
        record["equipment"] = _equipment(equip_draw[rt], i)
        record["observations"] = _observations(obs_draw[i], rt)
        ctx = PlantContext(rng=rng, inspection_date=iso, required_managers=required,
                           expired_leader=lambda c=c: pools.lapsed_entry("B", c),
                           expired_special=lambda c=c: pools.lapsed_entry("SPECIAL", c))
        for item in sites["_labels"][i]:
            PLANTERS[item](record, ctx)
        levels += [classify(w) for w in record["works"][len(levels):]]
        yield record, sum(lv == WD for lv in levels), sum(lv == CGM for lv in levels)


def _project(sites: dict, i: int, rt: str) -> dict:
    project = {"name": str(sites["name"][i]), "type": rt, "construction_nature": "新建",
               "district": str(sites["district"][i]),
               "contract_value_wan": float(sites["contract_value_wan"][i])}
    if rt == "房屋建筑":
        project["floor_area_m2"] = float(sites["floor_area_m2"][i])
    return project


def _equipment(draw: dict, i: int) -> list[dict]:
    out = []
    for etype, counts in draw.items():
        for _ in range(int(counts[i])):
            out.append(clean_equipment(f"E-{len(out) + 1:02d}", etype))
    return out


def _observations(u: np.ndarray, rt: str) -> dict:
    """Compliant observations a diligent inspector also records (protected openings, safe lighting …)."""
    obs: dict[str, list] = {}
    if rt == "房屋建筑" and u[0] < 0.4:
        obs["openings"] = [{"location": "1号楼电梯井", "kind": "elevator_shaft",
                            "horizontal_protection": True, "shaft_door": True}]
    if u[1] < 0.25:
        obs["lighting_zones"] = [{"location": "地下室", "long_term_relative_humidity_pct": 80.0,
                                  "lighting_voltage_v": 24.0, "place_kind": "damp_or_touchable"}]
    if u[2] < (0.35 if rt == "市政" else 0.1):
        obs["confined_spaces"] = [{"location": "检查井", "identified": True, "warning_sign": True,
                                   "work_in_progress": False}]
    if u[3] < 0.2:
        obs["structural_loads"] = [{"location": "地下室顶板", "element": "basement_roof", "load_kn_m2": 6.0,
                                    "allowed_kn_m2": 10.0}]
    return obs


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
