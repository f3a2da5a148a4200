"""Write import files for tests: CSV (with or without BOM) or XLSX, from a header and rows."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from zhiben_training.identifiers import make_id

PEOPLE_HEADER = ["身份证号", "姓名", "性别", "出生日期", "手机号", "所在区", "单位统一社会信用代码", "岗位",
                 "特种作业类别"]
ENTERPRISE_HEADER = ["统一社会信用代码", "单位名称", "单位类型", "施工类别", "资质等级", "所在区", "地址",
                     "法定代表人身份证号", "安全生产许可证编号", "安全生产许可证有效期至"]
ATTENDANCE_HEADER = ["身份证号", "培训轮次", "培训日期", "学时"]
HOURS_HEADER = ["身份证号", "日期", "学时", "培训内容", "培训机构"]


def write_file(path: Path, header: list[str], rows: list[list], *, bom: bool = True) -> Path:
    if path.suffix == ".xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        workbook.save(path)
    else:
        with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    return path


def people_rows(n: int, *, uscc: str, start: int = 0, role: str = "项目负责人") -> list[list]:
    """``n`` valid people of one enterprise with distinct ID numbers."""
    rows = []
    for i in range(start, start + n):
        birth = dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
        pid = make_id("120116", birth, i // 480, female=bool(i % 2))  # (birth, sequence) distinct per i
        rows.append([pid, f"测试{i}", "女" if i % 2 else "男", birth.isoformat(), f"139{i:08d}", "滨海新区",
                     uscc, role, ""])
    return rows
