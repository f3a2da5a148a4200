"""A 120,000-row roster XLSX: our validated constant-memory writer vs pandas ``to_excel`` (openpyxl).

Target (issue #7): under 15 s and under 600 MB peak memory. Each writer runs in its own child
process, which builds the same roster and reports its wall time and peak RSS (``VmHWM``, see
``benchmarks._memory``), so one run's memory never pollutes the other's. ``seconds`` (wall) decides
``met``; ``cpu_seconds`` and the load average show how much a busy machine inflated it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks._memory import peak_rss_mb

ROWS = 120_000
TARGET_SECONDS = 15.0
TARGET_MB = 600.0


def _roster(rows: int):
    import pandas as pd

    from zhiben_training import identifiers

    districts = [("120101", "和平区"), ("120116", "滨海新区"), ("120111", "西青区"), ("120113", "北辰区")]
    roles = ["法定代表人", "实际控制人", "项目负责人", "专职安全生产管理人员"]
    types = ["施工", "监理", "勘察", "设计"]
    data = {k: [] for k in ("person_id", "name", "enterprise_name", "enterprise_uscc", "enterprise_type",
                            "district", "role", "cert_no", "hours", "score", "passed", "completed_date")}
    for i in range(rows):
        code, district = districts[i % len(districts)]
        data["person_id"].append(identifiers.make_id(code, dt.date(1960, 1, 1) + dt.timedelta(days=i // 1000),
                                                     i % 500, female=bool(i // 500 % 2)))
        data["name"].append("张伟王芳李娜刘洋陈静"[i % 5] + "明华")
        data["enterprise_name"].append(f"天津市第{i // 8 + 1}建筑工程有限公司")
        data["enterprise_uscc"].append(identifiers.make_uscc(code, f"{i // 8:08d}"))
        data["enterprise_type"].append(types[i % 4])
        data["district"].append(district)
        data["role"].append(roles[i % 4])
        data["cert_no"].append(f"津建安A（2026）{i:07d}")
        data["hours"].append(16.0 + i % 9)
        data["score"].append(float(50 + i % 50))
        data["passed"].append(i % 50 >= 10)
        data["completed_date"].append(dt.date(2026, 3, 1) + dt.timedelta(days=i % 120))
    return pd.DataFrame(data)


def _child(writer: str, rows: int, out: Path) -> dict:
    frame = _roster(rows)
    baseline_mb = peak_rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    if writer == "ours":
        from zhiben_training.reports import prepare_roster
        from zhiben_training.reports.xlsx import Sheet, write_xlsx  # the writer alone, as pandas' is timed

        prepared = prepare_roster(frame)
        write_xlsx(out, [Sheet(prepared.spec.sheet_name, prepared.fields, prepared.rows())],
                   title="benchmark")
    else:
        from zhiben_training.reports import default_spec

        spec = default_spec()
        table = frame[[c.source for c in spec.columns if c.source]].copy()
        table.insert(0, "seq", range(1, len(table) + 1))
        table["passed"] = table["passed"].map({True: "是", False: "否"})
        table.columns = [c.header for c in spec.columns]
        table.to_excel(out, sheet_name=spec.sheet_name, index=False, engine="openpyxl")
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    peak_mb = peak_rss_mb()
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu_seconds, 2), "peak_mb": round(peak_mb, 1),
            "data_baseline_mb": round(baseline_mb, 1), "bytes": out.stat().st_size}


def _run_child(writer: str, rows: int, out: Path) -> dict:
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_roster", "--child", writer, str(rows), str(out)],
        cwd=root, capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"child {writer} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(out_dir: Path, *, rows: int = ROWS) -> dict:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    load_before = round(os.getloadavg()[0], 2)
    ours = _run_child("ours", rows, out_dir / "roster-ours.xlsx")
    pandas = _run_child("pandas", rows, out_dir / "roster-pandas-openpyxl.xlsx")
    return {
        "rows": rows,
        "load_average_1min_at_start": load_before,
        "ours_xlsxwriter_constant_memory": ours,
        "pandas_to_excel_openpyxl": pandas,
        "ratio": {"time": round(ours["seconds"] / pandas["seconds"], 3),
                  "peak_memory": round(ours["peak_mb"] / pandas["peak_mb"], 3)},
        "target": f"{rows} 行花名册 XLSX（含写前校验）< {TARGET_SECONDS:g} s，峰值内存 < {TARGET_MB:g} MB",
        "met": ours["seconds"] < TARGET_SECONDS and ours["peak_mb"] < TARGET_MB,
    }


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(_child(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))))
    else:
        print(json.dumps(run(Path("bench-out/roster")), ensure_ascii=False, indent=2))
