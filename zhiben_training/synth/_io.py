"""Deterministic table files (Parquet or CSV) and the data dictionary, both driven by columns.json."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from zhiben_training.errors import ConfigError
from zhiben_training.synth._config import load_json

FORMATS = ("parquet", "csv")
ROW_GROUP_SIZE = 131_072
_ARROW_TYPES = {"str": pa.string(), "date": pa.date32(), "int": pa.int64(), "float": pa.float64(),
                "bool": pa.bool_()}


def table_specs() -> dict[str, dict]:
    return load_json("columns.json")["tables"]


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([(name, _ARROW_TYPES[kind]) for name, kind, _zh, _en in table_specs()[table]["columns"]])


def to_arrow(table: str, columns: dict[str, np.ndarray]) -> pa.Table:
    """Columns in contract order with contract types; extra keys (internal helpers) are dropped."""
    schema = arrow_schema(table)
    arrays = []
    for field in schema:
        values = columns[field.name]
        if field.type == pa.date32():
            values = np.asarray(values, dtype="datetime64[D]")
            arrays.append(pa.array(values, type=pa.date32(), from_pandas=True))  # NaT -> null
        elif isinstance(values, np.ndarray) and values.dtype.kind == "U":
            arrays.append(pa.array(values.astype(object), type=field.type))  # 4× faster than from UCS-4
        else:  # from_pandas: NaN in a float column is a null, written as an empty CSV cell
            arrays.append(pa.array(values, type=field.type, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=schema)


def write_table(table: pa.Table, path_stem: Path, *, fmt: str) -> Path:
    """Write without timestamps or run-dependent metadata, so equal tables give equal bytes."""
    if fmt == "parquet":
        path = path_stem.with_suffix(".parquet")
        pq.write_table(table, path, compression="zstd", row_group_size=ROW_GROUP_SIZE, use_dictionary=True,
                       write_statistics=True)
    elif fmt == "csv":
        path = path_stem.with_suffix(".csv")
        pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(include_header=True, batch_size=65_536))
    else:
        raise ConfigError(f"未知的输出格式：{fmt}", hint="可选：parquet、csv")
    return path


def read_table(directory: Path, table: str) -> pd.DataFrame:
    """Read one table back with the contract types, whichever format was written."""
    schema = arrow_schema(table)
    parquet, csv = directory / f"{table}.parquet", directory / f"{table}.csv"
    if parquet.exists():
        arrow = pq.read_table(parquet, schema=schema)
    elif csv.exists():
        arrow = pacsv.read_csv(csv, convert_options=pacsv.ConvertOptions(
            column_types=schema, strings_can_be_null=False, quoted_strings_can_be_null=False))
        arrow = arrow.select(schema.names)
    else:
        raise ConfigError(f"目录 {directory} 中没有表 {table}（.parquet 或 .csv）",
                          hint="先运行 zhiben synth --out 目录 生成合成城市")
    return arrow.to_pandas(date_as_object=False)


def data_dictionary_markdown() -> str:
    """DATA_DICTIONARY.md: one table per data table, Chinese first, then English."""
    lines = ["# 数据字典 / Data dictionary", "",
             "合成的天津市建筑施工安全数据，不含任何真实个人或企业信息。日期为 ISO 格式（YYYY-MM-DD），"
             "CSV 为 UTF-8 编码，空单元格表示空值。",
             "Synthetic Tianjin construction-safety data; it contains no real person or enterprise. "
             "Dates are ISO (YYYY-MM-DD), CSV is UTF-8, an empty cell is a null.", ""]
    for name, spec in table_specs().items():
        lines += [f"## `{name}` — {spec['zh']} / {spec['en']}", "",
                  "| 列 column | 类型 type | 说明 | Description |", "|---|---|---|---|"]
        lines += [f"| `{col}` | {kind} | {zh} | {en} |" for col, kind, zh, en in spec["columns"]]
        lines.append("")
    lines += ["## `site_records.jsonl` — 检查记录 / inspection records", "",
              "每行一条项目检查记录，格式见 `docs/record-format.md`"
              "（`zhiben_training/data/inspection_record.schema.json`），"
              "`site_id` 与 `sites.site_id` 对应；"
              "规则引擎 `zhiben_training.hazards.find_hazards()` 对每条记录给出的重大事故隐患"
              "条目与 `sites.label_major_hazard_ids` 相同。",
              "One inspection record per line in the rules engine's format (docs/record-format.md); "
              "`find_hazards(record)` returns exactly the item ids in `sites.label_major_hazard_ids`.", ""]
    return "\n".join(lines)
