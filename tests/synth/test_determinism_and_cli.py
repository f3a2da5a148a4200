"""Same seed → byte-identical files; the CLI and the public API behave as documented."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

import zhiben_training.synth as synth
from zhiben_training.cli import main
from zhiben_training.errors import ConfigError
from zhiben_training.synth import data_dictionary_markdown, generate_city, load_city, load_site_records

REPO = Path(__file__).resolve().parents[2]


def _digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_the_same_seed_gives_byte_identical_files(tmp_path, fmt):
    first, second = tmp_path / "a", tmp_path / "b"
    generate_city(scale="tiny", seed=11, out_dir=first, fmt=fmt)
    generate_city(scale="tiny", seed=11, out_dir=second, fmt=fmt)
    digests = _digests(first)
    assert len(digests) == 13 and digests == _digests(second)


def test_another_seed_gives_another_city(tmp_path, tiny_city):
    generate_city(scale="tiny", seed=8, out_dir=tmp_path)
    assert (load_city(tmp_path)["people"]["person_id"].tolist()
            != load_city(tiny_city)["people"]["person_id"].tolist())


def test_csv_and_parquet_load_to_the_same_tables(tmp_path, tiny_city):
    generate_city(scale="tiny", seed=7, out_dir=tmp_path, fmt="csv")
    from_csv, from_parquet = load_city(tmp_path), load_city(tiny_city)
    for name, frame in from_parquet.items():
        pd.testing.assert_frame_equal(from_csv[name], frame, check_dtype=False, obj=name)


def test_manifest_lists_counts_and_the_digest_of_every_other_file(tiny_city):
    import json

    manifest = json.loads((tiny_city / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["enterprises"] == 30 and manifest["seed"] == 7
    assert manifest["files"] == {k: v for k, v in _digests(tiny_city).items() if k != "manifest.json"}


def test_the_reference_date_is_a_parameter_not_the_clock(tmp_path):
    import datetime as dt

    generate_city(scale="tiny", seed=1, out_dir=tmp_path, reference_date=dt.date(2025, 6, 30))
    tables = load_city(tmp_path)
    assert tables["findings"]["found_date"].max() <= pd.Timestamp("2025-06-30")
    assert next(load_site_records(tmp_path))["inspection_date"] == "2025-06-30"


def test_unknown_scale_and_format_are_user_errors(tmp_path):
    with pytest.raises(ConfigError):
        generate_city(scale="beijing", out_dir=tmp_path)
    with pytest.raises(ConfigError):
        generate_city(scale="tiny", out_dir=tmp_path, fmt="xlsx")
    with pytest.raises(ConfigError):
        load_city(tmp_path / "nothing")


def test_cli_writes_the_city_and_prints_a_chinese_summary(tmp_path, capsys):
    assert main(["synth", "--scale", "tiny", "--seed", "3", "--out", str(tmp_path), "--format", "csv",
                 "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "企业（enterprises）：30 行" in out and "危大工程" in out and "重大事故隐患的项目" in out
    assert (tmp_path / "findings.csv").exists() and (tmp_path / "site_records.jsonl").exists()


def test_cli_rejects_a_bad_reference_date_with_a_chinese_message(tmp_path, capsys):
    assert main(["synth", "--scale", "tiny", "--out", str(tmp_path), "--reference-date", "明天"]) == 2
    assert "参考日期" in capsys.readouterr().err


def test_public_api_is_pinned():
    assert sorted(synth.__all__) == sorted([
        "generate_city", "load_city", "load_site_records", "CityManifest", "Scale", "SCALES", "TABLES",
        "DEFAULT_SEED", "DEFAULT_REFERENCE_DATE", "data_dictionary_markdown"])


def test_committed_data_dictionary_is_the_generated_one():
    committed = (REPO / "synthetic_data" / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    assert committed == data_dictionary_markdown()


def test_committed_sample_is_what_the_generator_writes_today(tmp_path):
    """The sample in synthetic_data/sample is tiny scale, default seed, CSV (refresh: see README)."""
    generate_city(scale="tiny", out_dir=tmp_path, fmt="csv")
    assert _digests(REPO / "synthetic_data" / "sample") == _digests(tmp_path)


def test_regenerating_in_another_format_leaves_no_stale_tables(tmp_path):
    generate_city(scale="tiny", seed=2, out_dir=tmp_path, fmt="parquet")
    generate_city(scale="tiny", seed=5, out_dir=tmp_path, fmt="csv")
    assert not list(tmp_path.glob("*.parquet"))
    assert load_city(tmp_path)["rounds"].shape[0] == 9


def test_missing_values_are_empty_cells_not_nan_in_csv():
    sites = (REPO / "synthetic_data" / "sample" / "sites.csv").read_text(encoding="utf-8")
    assert "nan" not in sites.lower() and ",," in sites  # 市政 projects have no floor area
