"""People (principals, project leaders, safety managers, special-operation workers) and certificates.

Certificate numbers: C1/C2/C3 follow 建质〔2015〕206号 六 exactly (津建安C1（2024）0000001, a 7-digit
serial per issue year); A and B use the same pattern by analogy (unverified, see the data
dictionary); special-operation certificates use a plainly synthetic ``SYN-`` format because the
official one is not in the reference.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from zhiben_training.synth._config import add_years, districts, load_json, to_day, weighted_choice
from zhiben_training.synth._enterprises import district_draw
from zhiben_training.synth._vector import id_numbers, person_names, phones

PRINCIPAL_ROLES = ("法定代表人", "实际控制人", "实际负责人")
SPECIAL_ROLE = "特种作业人员"
OPERATION_TYPES = ("建筑电工", "建筑架子工", "建筑起重信号司索工", "建筑起重机械司机",
                   "建筑起重机械安装拆卸工", "高处作业吊篮安装拆卸工")  # 75号 第三条 (一)–(六)


def build_people(rng: np.random.Generator, ent: dict[str, np.ndarray], n: int, *,
                 reference: dt.date) -> dict[str, np.ndarray]:
    """One 法定代表人 per enterprise, the rest spread over builders by size, roles by share."""
    dist = load_json("distributions.json")
    n_ent = len(ent["uscc"])
    if n < n_ent:
        raise ValueError("fewer people than enterprises")
    builder = ent["enterprise_type"] == "施工"
    weight = np.array([dist["staff_weight_by_grade"].get(g, 0.0)
                       for g in ent["qualification_grade"]]) * builder
    extra = rng.choice(n_ent, size=n - n_ent, p=weight / weight.sum())
    employer = np.sort(np.r_[np.arange(n_ent), extra])
    first_of = np.r_[True, employer[1:] != employer[:-1]]
    roles = list(dist["roles_extra"])
    role = np.where(first_of, "法定代表人", np.array(roles)[weighted_choice(rng, dist["roles_extra"], n)])
    op_idx = weighted_choice(rng, dist["operation_types"], n)
    operation = np.where(role == SPECIAL_ROLE, np.array(OPERATION_TYPES)[op_idx], "")
    # most people live in their employer's district; the ID area code is the person's district
    dists = districts()
    own = np.array([[d["code"] for d in dists].index(c) for c in ent["district_code"]])[employer]
    d_idx = np.where(rng.random(n) < 0.7, own, district_draw(rng, n))
    area = np.array([int(d["code"]) for d in dists])[d_idx]
    male_share = np.where(role == SPECIAL_ROLE, dist["male_share"]["特种作业人员"],
                          np.where(role == "专职安全生产管理人员", dist["male_share"]["专职安全生产管理人员"],
                                   dist["male_share"]["default"]))
    female = rng.random(n) >= male_share
    lo, hi = np.where(role == SPECIAL_ROLE, dist["special_age_range"][0], dist["age_range"][0]), \
        np.where(role == SPECIAL_ROLE, dist["special_age_range"][1], dist["age_range"][1])
    # smooth, no pile-up at bounds
    age_days = ((lo + (hi - lo) * rng.beta(2.2, 2.4, n)) * 365.25).astype(np.int64)
    birth = to_day(reference) - age_days
    return {
        "person_id": id_numbers(area, birth, female, rng.integers(0, 500, n)),
        "name": person_names(rng, female),
        "sex": np.where(female, "女", "男"),
        "birth_date": birth,
        "phone": phones(rng, n),
        "district": np.array([d["name"] for d in dists])[d_idx],
        "district_code": area.astype(str),
        "enterprise_uscc": ent["uscc"][employer],
        "role": role,
        "operation_type": operation,
        "employer_index": employer,
    }


def cert_types(rng: np.random.Generator, people: dict[str, np.ndarray], builder_of: np.ndarray) -> np.ndarray:
    """A / B / C1–C3 / SPECIAL per person, '' when the person needs or holds none."""
    dist = load_json("distributions.json")
    role = people["role"]
    c_kind = np.array(list(dist["c_categories"]))[weighted_choice(rng, dist["c_categories"], len(role))]
    kind = np.select(
        [np.isin(role, PRINCIPAL_ROLES) & builder_of, role == "项目负责人", role == "专职安全生产管理人员",
         role == SPECIAL_ROLE],
        ["A", "B", c_kind, "SPECIAL"], default="")
    uncertified = rng.random(len(role)) < dist["uncertified_share"]
    return np.where(uncertified, "", kind)


def build_certificates(rng: np.random.Generator, people: dict[str, np.ndarray], builder_of: np.ndarray, *,
                       reference: dt.date) -> dict[str, np.ndarray]:
    """Certificates with expired / expiring-within-3-months / valid expiry dates around ``reference``."""
    dist = load_json("distributions.json")
    kind_all = cert_types(rng, people, builder_of)
    holder = np.flatnonzero(kind_all != "")
    kind = kind_all[holder]
    n = len(holder)
    years = np.array([dist["certificate_validity_years"][k] for k in kind])
    status = weighted_choice(rng, dist["certificate_status_shares"], n)  # 0 expired, 1 expiring, 2 valid
    ref = to_day(reference)
    offset = np.select([status == 0, status == 1],
                       [-rng.integers(1, 720, n), rng.integers(0, 90, n)],
                       default=rng.integers(91, 365 * 2 - 1, n) + (years - 2) * rng.integers(0, 365, n))
    expiry = ref + offset
    issue = add_years(expiry + 1, -years)
    renewals = np.minimum(rng.poisson(0.6, n), 3)
    first_year = issue.astype("datetime64[Y]").astype(int) + 1970 - renewals * years
    first_year = np.maximum(first_year, np.where(np.char.startswith(kind, "C"), 2015, 2005))
    adult_year = people["birth_date"][holder].astype("datetime64[Y]").astype(int) + 1970 + 19
    first_year = np.minimum(np.maximum(first_year, adult_year),
                            issue.astype("datetime64[Y]").astype(int) + 1970)
    return {
        "cert_no": _numbers(rng, kind, people["operation_type"][holder], first_year),
        "person_id": people["person_id"][holder],
        "cert_type": kind,
        "operation_type": people["operation_type"][holder],
        "issue_date": issue,
        "expiry_date": expiry,
        "first_issue_year": first_year,
        "_holder": holder,
    }


def _numbers(rng: np.random.Generator, kind: np.ndarray, operation: np.ndarray,
             year: np.ndarray) -> np.ndarray:
    """Serial = order within (type, operation, year) after a random shuffle, so serials are unique."""
    op_code = np.array([OPERATION_TYPES.index(o) + 1 if o else 0 for o in operation])
    group = np.char.add(np.char.add(kind, op_code.astype(str)), year.astype(str))
    shuffle = rng.permutation(len(kind))
    order = shuffle[np.argsort(group[shuffle], kind="stable")]
    sorted_group = group[order]
    starts = np.r_[0, np.flatnonzero(sorted_group[1:] != sorted_group[:-1]) + 1]
    serial_sorted = np.arange(len(kind)) - np.repeat(starts, np.diff(np.r_[starts, len(kind)])) + 1
    serial = np.empty_like(serial_sorted)
    serial[order] = serial_sorted
    serial7 = np.char.zfill(serial.astype(str), 7)
    year_s = year.astype(str)
    official = np.char.add(np.char.add(np.char.add("津建安", kind), np.char.add("（", year_s)),
                           np.char.add("）", serial7))
    synthetic = np.char.add(np.char.add(np.char.add("SYN-TJ-TZ", np.char.zfill(op_code.astype(str), 2)),
                                        np.char.add("-", year_s)), np.char.add("-", serial7))
    return np.where(kind == "SPECIAL", synthetic, official)
