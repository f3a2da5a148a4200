"""危大工程分级 at every threshold of 建办质〔2018〕31号 附件1/附件2 (及以上 / 含 = ≥; OR conditions)."""

from __future__ import annotations

import pytest

from tests.hazards.conftest import make_record
from tests.hazards.conftest import work as W
from zhiben_training.errors import RecordFormatError
from zhiben_training.hazards import classify_work, classify_works


def FW(**over):
    """A formwork support below every 附件1 threshold, all parameters stated (none left unknown)."""
    return W("formwork_support", **{"height_m": 4, "span_m": 6, "total_load_kn_m2": 5, "line_load_kn_m": 8,
                                    "projection_width_m": 6, "isolated_without_ties": False, **over})


BOUNDARIES = [
    # (description, work, level, scope expected in scope_ids or None)
    ("a 5 m excavation is 超规模", W("excavation", depth_m=5), "超规模", "W2.1"),
    ("a 4.99 m excavation is 危大", W("excavation", depth_m=4.99), "危大", "W1.1.1"),
    ("a 3 m excavation is 危大", W("excavation", depth_m=3), "危大", "W1.1.1"),
    ("a 2.99 m excavation in plain surroundings is 一般",
     W("excavation", depth_m=2.99, complex_surroundings=False), "一般", None),
    ("a 2.99 m excavation in complex surroundings is 危大",
     W("excavation", depth_m=2.99, complex_surroundings=True), "危大", "W1.1.2"),
    ("formwork support 8 m high is 超规模", W("formwork_support", height_m=8), "超规模", "W2.2.2"),
    ("formwork support 7.99 m high is 危大", W("formwork_support", height_m=7.99), "危大", "W1.2.2"),
    ("formwork support 5 m high is 危大", W("formwork_support", height_m=5), "危大", "W1.2.2"),
    ("formwork support 4.99 m high is 一般", FW(height_m=4.99), "一般", None),
    ("formwork support span 18 m is 超规模", W("formwork_support", span_m=18), "超规模", "W2.2.2"),
    ("formwork support span 17.99 m is 危大", W("formwork_support", span_m=17.99), "危大", "W1.2.2"),
    ("formwork support span 10 m is 危大", W("formwork_support", span_m=10), "危大", "W1.2.2"),
    ("formwork support span 9.99 m is 一般", FW(span_m=9.99), "一般", None),
    ("formwork total load 15 kN/m² is 超规模",
     W("formwork_support", total_load_kn_m2=15), "超规模", "W2.2.2"),
    ("formwork total load 14.99 kN/m² is 危大",
     W("formwork_support", total_load_kn_m2=14.99), "危大", "W1.2.2"),
    ("formwork total load 10 kN/m² is 危大", W("formwork_support", total_load_kn_m2=10), "危大", "W1.2.2"),
    ("formwork total load 9.99 kN/m² is 一般", FW(total_load_kn_m2=9.99), "一般", None),
    ("formwork line load 20 kN/m is 超规模", W("formwork_support", line_load_kn_m=20), "超规模", "W2.2.2"),
    ("formwork line load 19.99 kN/m is 危大", W("formwork_support", line_load_kn_m=19.99), "危大", "W1.2.2"),
    ("formwork line load 15 kN/m is 危大", W("formwork_support", line_load_kn_m=15), "危大", "W1.2.2"),
    ("formwork line load 14.99 kN/m is 一般", FW(line_load_kn_m=14.99), "一般", None),
    ("a low slender isolated support is 危大",
     W("formwork_support", height_m=3, height_exceeds_projection_width=True, isolated_without_ties=True),
     "危大", "W1.2.2"),
    ("a low slender support with ties is 一般",
     FW(height_m=3, height_exceeds_projection_width=True, isolated_without_ties=False), "一般", None),
    ("a support 4.99 m high on a 4.98 m base, isolated, is 危大 (height > projection width, measured)",
     FW(height_m=4.99, projection_width_m=4.98, isolated_without_ties=True), "危大", "W1.2.2"),
    ("a support as high as its 4.99 m base, isolated, is 一般", FW(height_m=4.99, projection_width_m=4.99,
                                                               isolated_without_ties=True), "一般", None),
    ("one OR condition suffices: low but heavy formwork is 超规模",
     W("formwork_support", height_m=2, span_m=3, total_load_kn_m2=3, line_load_kn_m=20), "超规模", "W2.2.2"),
    ("tool formwork is 超规模", W("tool_formwork"), "超规模", "W2.2.1"),
    ("a load-bearing support with a 7 kN point load is 超规模",
     W("load_bearing_support", point_load_kn=7), "超规模", "W2.2.3"),
    ("a load-bearing support with a 6.99 kN point load is 危大",
     W("load_bearing_support", point_load_kn=6.99), "危大", "W1.2.3"),
    ("unconventional lifting of 100 kN is 超规模",
     W("lifting_operation", lifting_method="unconventional", lift_weight_kn=100), "超规模", "W2.3.1"),
    ("unconventional lifting of 99.99 kN is 危大",
     W("lifting_operation", lifting_method="unconventional", lift_weight_kn=99.99), "危大", "W1.3.1"),
    ("unconventional lifting of 10 kN is 危大",
     W("lifting_operation", lifting_method="unconventional", lift_weight_kn=10), "危大", "W1.3.1"),
    ("unconventional lifting of 9.99 kN is 一般",
     W("lifting_operation", lifting_method="unconventional", lift_weight_kn=9.99), "一般", None),
    ("installing with a crane is 危大",
     W("lifting_operation", lifting_method="crane", lift_weight_kn=5), "危大", "W1.3.2"),
    ("crane installation of 300 kN capacity is 超规模 (unverified W2.3.2)",
     W("crane_installation", crane_capacity_kn=300), "超规模", "W2.3.2"),
    ("crane installation of 299.9 kN capacity is 危大",
     W("crane_installation", crane_capacity_kn=299.9), "危大", "W1.3.3"),
    ("crane installation 200 m high is 超规模",
     W("crane_installation", erect_height_m=200), "超规模", "W2.3.2"),
    ("crane installation on a 200 m base is 超规模",
     W("crane_installation", base_elevation_m=200), "超规模", "W2.3.2"),
    ("crane installation on a 199.9 m base is 危大",
     W("crane_installation", base_elevation_m=199.9), "危大", "W1.3.3"),
    ("a 50 m floor-standing scaffold is 超规模",
     W("scaffold", scaffold_type="floor_standing", height_m=50), "超规模", "W2.4.1"),
    ("a 49.99 m floor-standing scaffold is 危大",
     W("scaffold", scaffold_type="floor_standing", height_m=49.99), "危大", "W1.4.1"),
    ("a 24 m floor-standing scaffold is 危大",
     W("scaffold", scaffold_type="floor_standing", height_m=24), "危大", "W1.4.1"),
    ("a 23.99 m floor-standing scaffold is 一般",
     W("scaffold", scaffold_type="floor_standing", height_m=23.99), "一般", None),
    ("an attached lifting scaffold lifting 150 m is 超规模",
     W("scaffold", scaffold_type="attached_lifting", lifting_height_m=150), "超规模", "W2.4.2"),
    ("an attached lifting scaffold lifting 149.9 m is 危大",
     W("scaffold", scaffold_type="attached_lifting", lifting_height_m=149.9), "危大", "W1.4.2"),
    ("an attached lifting platform lifting 150 m is 超规模",
     W("scaffold", scaffold_type="attached_lifting_platform", lifting_height_m=150), "超规模", "W2.4.2"),
    ("a cantilever scaffold segment of 20 m is 超规模",
     W("scaffold", scaffold_type="cantilever", segment_height_m=20), "超规模", "W2.4.3"),
    ("a cantilever scaffold segment of 19.99 m is 危大",
     W("scaffold", scaffold_type="cantilever", segment_height_m=19.99), "危大", "W1.4.3"),
    ("a gondola is 危大", W("scaffold", scaffold_type="gondola"), "危大", "W1.4.4"),
    ("an unloading platform is 危大", W("scaffold", scaffold_type="platform"), "危大", "W1.4.5"),
    ("a special-shaped scaffold is 危大", W("scaffold", scaffold_type="special"), "危大", "W1.4.6"),
    ("a demolition affecting traffic is 危大", W("demolition", affects_surroundings=True), "危大", "W1.5"),
    ("a demolition of a chimney is 超规模 (unverified)",
     W("demolition", special_structure=True), "超规模", "W2.5.1"),
    ("a plain demolition is 一般",
     W("demolition", affects_surroundings=False, special_structure=False, heritage_area=False), "一般", None),
    ("a shield tunnel is 超规模 (unverified W2.6)", W("tunnel", tunnel_method="shield"), "超规模", "W2.6"),
    ("a curtain wall 50 m high is 超规模", W("curtain_wall", height_m=50), "超规模", "W2.7.1"),
    ("a curtain wall 49.99 m high is 危大", W("curtain_wall", height_m=49.99), "危大", "W1.7.1"),
    ("a steel structure spanning 36 m is 超规模",
     W("steel_structure", structure_kind="steel", span_m=36), "超规模", "W2.7.2"),
    ("a steel structure spanning 35.99 m is 危大",
     W("steel_structure", structure_kind="steel", span_m=35.99), "危大", "W1.7.2"),
    ("a space frame spanning 59.99 m is 危大",
     W("steel_structure", structure_kind="space_frame", span_m=59.99), "危大", "W1.7.2"),
    ("a space frame spanning 60 m is 超规模",
     W("steel_structure", structure_kind="space_frame", span_m=60), "超规模", "W2.7.2"),
    ("a cable membrane spanning 60 m is 超规模",
     W("steel_structure", structure_kind="cable_membrane", span_m=60), "超规模", "W2.7.2"),
    ("a 16 m manual dug pile is 超规模", W("manual_dug_pile", depth_m=16), "超规模", "W2.7.3"),
    ("a 15.99 m manual dug pile is 危大", W("manual_dug_pile", depth_m=15.99), "危大", "W1.7.3"),
    ("underwater work is 超规模", W("underwater"), "超规模", "W2.7.4"),
    ("prefab installation is 危大", W("prefab_install"), "危大", "W1.7.5"),
    ("jacking 1000 kN is 超规模", W("jacking", weight_kn=1000), "超规模", "W2.7.5"),
    ("jacking 999.9 kN is 一般", W("jacking", weight_kn=999.9), "一般", None),
    ("new technique without a standard is 超规模", W("new_tech", no_standard=True), "超规模", "W2.7.6"),
    ("new technique with a standard is 一般", W("new_tech", no_standard=False), "一般", None),
    ("a slope is not in the annexes", W("slope", slope_class="一级"), "一般", None),
]


@pytest.mark.parametrize(("why", "work", "level", "scope"), BOUNDARIES, ids=[b[0] for b in BOUNDARIES])
def test_level_at_the_boundary(why, work, level, scope):
    result = classify_work(work)
    assert result.level == level, why
    if scope is None:
        assert result.scope_ids == ()
    else:
        assert scope in result.scope_ids


def test_reasons_name_the_parameter_and_the_threshold():
    result = classify_work(W("excavation", depth_m=5))
    assert result.scope_ids == ("W1.1.1", "W2.1")
    assert any("depth_m = 5 m ≥ 5 m" in r and "W2.1" in r for r in result.reasons)


def test_unverified_scopes_are_flagged_in_the_reasons():
    result = classify_work(W("crane_installation", crane_capacity_kn=300))
    assert any("W2.3.2" in r and "未核实，仅供参考" in r for r in result.reasons)


def test_a_super_scale_work_requires_five_experts_and_a_deep_pit_third_party_monitoring():
    duties = classify_work(W("excavation", depth_m=5)).duties
    assert any("不少于5名" in d and "第十二条" in d for d in duties)
    assert any("第三方监测" in d for d in duties)
    assert any("专项施工方案" in d and "第二十六条" in d for d in duties)
    assert any("验收合格" in d for d in duties)


def test_a_dangerous_but_not_super_scale_work_needs_no_expert_review():
    duties = classify_work(W("excavation", depth_m=4.99)).duties
    assert not any("专家论证" in d for d in duties)
    assert not any("第三方监测" in d for d in duties)


def test_an_ordinary_work_has_no_duties():
    assert classify_work(W("excavation", depth_m=2)).duties == ()


def test_classify_works_keeps_record_order_and_ids():
    record = make_record(works=[W("excavation", depth_m=6), {"work_id": "W-02", "work_type": "other"}])
    assert [(c.work_id, c.level) for c in classify_works(record)] == [("W-01", "超规模"), ("W-02", "一般")]


def test_classify_works_rejects_a_malformed_record():
    with pytest.raises(RecordFormatError) as err:
        classify_works(make_record(works=[W("excavation", depth_m="五米")]))
    assert err.value.field == "works[0].depth_m"


def test_a_numpy_number_from_a_widget_or_dataframe_classifies_like_a_float():
    np = pytest.importorskip("numpy")
    assert classify_work({"work_id": "W", "work_type": "excavation",
                          "depth_m": np.int64(5)}).level == "超规模"
    assert classify_work({"work_id": "W", "work_type": "excavation",
                          "depth_m": np.float64(4.99)}).level == "危大"


UNKNOWN = [
    ("an excavation without a depth", W("excavation"), ("depth_m", "complex_surroundings")),
    ("a 2.99 m excavation whose surroundings are not stated", W("excavation", depth_m=2.99),
     ("complex_surroundings",)),
    ("a formwork support with only its height, below 5 m", W("formwork_support", height_m=4.99),
     ("span_m", "total_load_kn_m2")),
    ("a demolition with nothing stated", W("demolition"), ("affects_surroundings",)),
    ("a tunnel without its method", W("tunnel"), ("tunnel_method",)),
]


@pytest.mark.parametrize(("why", "work", "missing"), UNKNOWN, ids=[u[0] for u in UNKNOWN])
def test_a_work_without_the_deciding_dimensions_is_undetermined_never_general(why, work, missing):
    result = classify_work(work)
    assert result.level == "无法判定", why
    assert set(missing) <= set(result.missing)
    assert any("缺少" in r for r in result.reasons)


def test_a_declared_level_stands_when_the_dimensions_are_missing():
    result = classify_work(W("excavation", declared_level="危大"))
    assert result.level == "危大" and result.declared_level == "危大" and result.missing == ()
    assert any("declared_level" in r for r in result.reasons)


def test_measurements_that_reach_a_higher_level_override_the_declaration():
    result = classify_work(W("excavation", depth_m=6, declared_level="危大"))
    assert result.level == "超规模" and "W2.1" in result.scope_ids


def test_a_known_level_with_a_higher_scope_open_says_which_fields_would_decide():
    result = classify_work(W("formwork_support", height_m=6))
    assert result.level == "危大" and result.open_scope_ids == ("W2.2.2",)
    assert "span_m" in result.missing
