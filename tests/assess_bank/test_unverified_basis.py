"""No scored site-task answer hinges on a figure the reference gives only from memory (issue #24)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.reference import REGULATIONS, reference_text
from zhiben_training.assess.papers.site_report import label_entities
from zhiben_training.assess.papers.site_tasks import classify_task, hazard_task
from zhiben_training.assess.papers.unverified_basis import without_unverified_basis
from zhiben_training.hazards import classify_work, find_hazards
from zhiben_training.law import measured_thresholds_data
from zhiben_training.synth import load_site_records

REPO = Path(__file__).resolve().parents[2]
BANK = str(REPO / "assessments" / "bank")
SAMPLE = REPO / "synthetic_data" / "sample"


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return list(load_site_records(SAMPLE))


def _keys(node) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


def test_the_reference_marks_the_figures_these_tasks_keep_out():
    ref = reference_text(REGULATIONS)
    assert ("| 16 | 超危大 起重机械安拆: 起重量 / 搭设总高度 / 基础标高 | ≥ 300 / ≥ 200 / ≥ 200 | "
            "kN / m / m (OR) | 31号 附件2 三(二) | M |" in ref)
    assert ("| W2.6 | 六、暗挖工程：采用矿山法、盾构法、顶管法施工的隧道、洞室工程。"
            " | from memory (same wording as W1.6) |" in ref)
    standards = measured_thresholds_data()["standards"]
    assert ({standards[i]["item"] for i in standards if standards[i]["status"] != "verified"}
            == {"6.3", "8.8", "10.1", "10.2", "15.2"})


def test_no_t01_key_or_report_rests_on_an_unverified_figure(records):
    """8.8, 10.2, 15.2 (and 10.1, 6.3) are judged against configured GB 5144 / JGJ 46 / wind values
    (未核实)."""
    unverified_fields = {"clearance_to_structures_m", "group_horizontal_clearance_m",
                         "group_vertical_clearance_m", "wind_force_beaufort", "wind_speed_m_s",
                         "lighting_voltage_v"}
    dropped_ids = set()
    for record in records:
        task = hazard_task(record, label_entities(record, np.random.default_rng(1)),
                           np.random.default_rng(2), bank=BANK)
        stripped, _removed = without_unverified_basis(record)
        assert not unverified_fields & _keys(stripped), record["site_id"]
        assert all("未核实" not in n for f in find_hazards(stripped) for n in f.notes), record["site_id"]
        resting = {f.item_id for f in find_hazards(record) if any("未核实" in n for n in f.notes)}
        assert set(task.key) == {f.item_id for f in find_hazards(stripped) if not f.needs_judgement}
        dropped_ids |= resting - set(task.key)
        assert "未核实" in task.prompt_md and "不计分" in task.citation
    assert {"15.2", "10.1"} <= dropped_ids  # the sample city plants both; neither is keyed any more


def test_t02_lists_no_work_whose_level_an_unverified_entry_decides(records):
    """Shield tunnels (W2.6) and crane installation (W2.3.2, 300 kN from memory) are not classified in t02."""
    seen_types = set()
    for record in records:
        labels = label_entities(record, np.random.default_rng(1))
        task = classify_task(record, labels, np.random.default_rng(2), bank=BANK)
        by_label = {labels.works[w["work_id"]]: w for w in record["works"]}
        listed = [by_label[label] for label in task.key]
        seen_types |= {w["work_type"] for w in record["works"]}
        assert all(w["work_type"] not in ("crane_installation", "tunnel", "demolition")
                   for w in listed), record["site_id"]
        assert all(not classify_work(w).level_unverified for w in listed)
        assert "未核实" in task.prompt_md
    # the sample city has both, so the exclusion was exercised
    assert {"crane_installation", "tunnel"} <= seen_types
