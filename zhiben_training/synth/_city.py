"""Orchestration: build every table of the synthetic city and write it deterministically."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from zhiben_training.errors import ConfigError
from zhiben_training.synth._config import DEFAULT_REFERENCE_DATE, DEFAULT_SEED, scale_named, stream
from zhiben_training.synth._enterprises import build_enterprises
from zhiben_training.synth._findings import build_findings
from zhiben_training.synth._io import FORMATS, data_dictionary_markdown, to_arrow, write_table
from zhiben_training.synth._people import build_certificates, build_people
from zhiben_training.synth._records import build_records, dumps
from zhiben_training.synth._sites import build_sites
from zhiben_training.synth._training import (
    build_attendance,
    build_continuing_education,
    build_rounds,
    build_sanctions,
)

TABLES = ("enterprises", "people", "certificates", "sites", "findings", "rounds", "attendance",
          "assessment_results", "continuing_education", "sanctions")


@dataclass(frozen=True)
class CityManifest:
    """What was written: row counts, headline shares and the sha256 of every file."""

    directory: Path
    scale: str
    seed: int
    fmt: str
    reference_date: str
    counts: dict[str, int]
    stats: dict[str, float | int]
    files: dict[str, str] = field(default_factory=dict)


def generate_city(*, scale: str = "demo", seed: int = DEFAULT_SEED, out_dir: Path, fmt: str = "parquet",
                  progress: bool = False, reference_date: dt.date = DEFAULT_REFERENCE_DATE) -> CityManifest:
    """Write the tables of docs/data-contracts.md, ``site_records.jsonl``, the data dictionary and a manifest.

    Same (scale, seed, fmt, reference_date) → byte-identical files.
    """
    if fmt not in FORMATS:
        raise ConfigError(f"未知的输出格式：{fmt}", hint="可选：parquet、csv")
    size = scale_named(scale)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name in TABLES:  # a table left from a run in the other format would shadow the new one
        (out / f"{name}.{'csv' if fmt == 'parquet' else 'parquet'}").unlink(missing_ok=True)
    bar = tqdm(total=len(TABLES) + 2, desc="合成城市", unit="步", disable=not progress)
    counts: dict[str, int] = {}

    def emit(name: str, columns: dict) -> None:
        table = to_arrow(name, columns)
        written.append(write_table(table, out / name, fmt=fmt))
        counts[name] = table.num_rows
        bar.set_postfix_str(name)
        bar.update(1)

    written: list[Path] = []
    stats = _build_all(emit, out, size, seed=seed, reference=reference_date, bar=bar)
    (out / "DATA_DICTIONARY.md").write_text(data_dictionary_markdown(), encoding="utf-8")
    written += [out / "site_records.jsonl", out / "DATA_DICTIONARY.md"]
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(written)}
    manifest = CityManifest(directory=out, scale=scale, seed=seed, fmt=fmt,
                            reference_date=reference_date.isoformat(), counts=counts, stats=stats,
                            files=files)
    (out / "manifest.json").write_text(json.dumps(
        {k: v for k, v in manifest.__dict__.items() if k != "directory"},
        ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    bar.update(1)
    bar.close()
    return manifest


def _build_all(emit, out: Path, size, *, seed: int, reference: dt.date, bar) -> dict:
    """Build and emit the tables in dependency order; returns the headline statistics."""
    ent = build_enterprises(stream(seed, "enterprises"), size.enterprises, reference=reference)
    people = build_people(stream(seed, "people"), ent, size.people, reference=reference)
    legal = people["role"] == "法定代表人"
    ent["legal_rep_id"] = np.empty(len(ent["uscc"]), dtype=object)
    ent["legal_rep_id"][people["employer_index"][legal]] = people["person_id"][legal]
    emit("enterprises", ent)
    emit("people", people)
    employer_type = ent["enterprise_type"][people["employer_index"]]
    builder_of = employer_type == "施工"
    certs = build_certificates(stream(seed, "certificates"), people, builder_of, reference=reference)
    emit("certificates", certs)
    rounds = build_rounds()
    attendance, results = build_attendance(stream(seed, "training"), people, rounds,
                                           employer_type=employer_type, reference=reference)
    emit("rounds", rounds)
    emit("attendance", attendance)
    emit("assessment_results", results)
    emit("continuing_education", build_continuing_education(stream(seed, "continuing_education"), people,
                                                            reference=reference))
    emit("sanctions", build_sanctions(stream(seed, "sanctions"), people, reference=reference))
    sites = build_sites(stream(seed, "sites"), size.sites, ent, reference=reference)
    stats = _write_records(out / "site_records.jsonl", sites, ent, people, certs, seed=seed,
                           reference=reference, bar=bar)
    emit("sites", sites)
    findings = build_findings(stream(seed, "findings"), sites, size.findings, reference=reference)
    emit("findings", findings)
    stats.update(_ledger_stats(findings, reference))
    return stats


def _write_records(path: Path, sites: dict, ent: dict, people: dict, certs: dict, *, seed: int,
                   reference: dt.date, bar) -> dict:
    """Stream the records to JSONL and count works by level for the summary."""
    n = len(sites["site_id"])
    n_works = np.zeros(n, dtype=np.int64)
    n_wd = np.zeros(n, dtype=np.int64)
    n_cgm = np.zeros(n, dtype=np.int64)
    n_equipment = np.zeros(n, dtype=np.int64)
    managers = np.zeros(n, dtype=np.int64)
    leaders = np.empty(n, dtype=object)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        records = build_records(stream(seed, "records"), sites, ent, people, certs, reference=reference)
        for i, (record, wd, cgm) in enumerate(records):
            handle.write(dumps(record))
            handle.write("\n")
            n_works[i], n_wd[i], n_cgm[i] = len(record["works"]), wd, cgm
            n_equipment[i], managers[i] = (len(record["equipment"]),
                                           record["staffing"]["project_safety_managers"])
            leaders[i] = next((p.get("person_id", "") for p in record["personnel"]
                               if p["role"] == "项目负责人"), "")
    bar.update(1)
    sites.update(n_works=n_works, n_wd_works=n_wd, n_cgm_works=n_cgm, project_leader_id=leaders.astype(str),
                 n_equipment=n_equipment, project_safety_managers=managers)
    total = int(n_works.sum())
    return {
        "works": total,
        "wd_works": int(n_wd.sum()),
        "cgm_works": int(n_cgm.sum()),
        "wd_share": round(int(n_wd.sum()) / total, 4) if total else 0.0,
        "cgm_share": round(int(n_cgm.sum()) / total, 4) if total else 0.0,
        "major_hazard_sites": int(sum(bool(lab) for lab in sites["_labels"])),
        "planted_major_hazards": int(sum(len(lab) for lab in sites["_labels"])),
    }


def _ledger_stats(findings: dict, reference: dt.date) -> dict:
    open_ = np.isnat(findings["closed_date"])
    return {"open_findings": int(open_.sum()),
            "overdue_findings": int((open_ & (findings["deadline"] < np.datetime64(reference, "D"))).sum())}
