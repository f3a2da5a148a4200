"""Site tasks in papers and lesson 5 show the inspector's measurements (format 2), never the record."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from zhiben_training.assess.papers.site_report import SiteLabels, render_site_report
from zhiben_training.lessons import inspection

BANK = Path(__file__).resolve().parents[2] / "assessments" / "bank"

RECORD = {
    "format_version": "2", "record_id": "R-1", "inspection_date": "2026-03-15",
    "project": {"type": "房屋建筑", "name": "示例项目", "floor_area_m2": 20000},
    "enterprise": {"name": "示例公司", "construction_kind": "总承包", "qualification_grade": "一级",
                   "safety_licence_valid_until": "2026-03-01"},
    "works": [{"work_id": "W-P01", "work_type": "excavation", "name": "基坑", "depth_m": 4.2,
               "over_excavation_depth_m": 0, "deformation_mm": 36.5, "deformation_limit_mm": 30,
               "precursor_handled_in_time": False}],
    "equipment": [{"equipment_id": "E-1", "equipment_type": "tower_crane", "in_use": True,
                   "verticality_per_mille": 5.5, "verticality_limit_per_mille": 4}],
    "observations": {"lighting_zones": [{"location": "地下室", "muddy": True, "lighting_voltage_v": 220,
                                         "place_kind": "damp_or_touchable"}],
                     "issues": [{"description": "材料堆放凌乱", "about": "works[0]"}]},
    "weather": {"wind_force_beaufort": 7, "activities": ["lifting"]},
}


def _report() -> str:
    labels = SiteLabels({"W-P01": "W1"}, {"E-1": "E1"})
    return render_site_report(RECORD, labels, np.random.default_rng(3), bank=str(BANK))


def test_the_narrative_states_measurements_and_hides_record_paths():
    text = _report()
    for shown in ("实测风力 7 级", "220", "36.5", "2026-03-01", "5.5"):
        assert shown in text, shown
    assert "works[0]" not in text and "W-P01" not in text and "format_version" not in text


def test_lesson_5_shows_measurements_with_their_units():
    objects = {o.key: dict(o.fields) for o in inspection.inspection_objects(RECORD)}
    assert objects["works[0]"]["支护结构或周边建筑物变形监测值"] == "36.5 mm"
    assert objects["equipment[0]"]["垂直度偏差"] == "5.5 ‰"
    assert objects["enterprise"]["企业·安全生产许可证有效期至"] == "2026-03-01"
    assert "实测" not in str(objects) and any("风力" in k for k in objects["observations"])
