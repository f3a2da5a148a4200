"""Every 2024 item 4.1 … 15.3 (with 5.4.1–5.4.4), 16 and 17: a fact set that triggers it and a
near-miss that does not. Each case is an explicit record fragment, not a computed one."""

from __future__ import annotations

import pytest

from tests.hazards.conftest import equipment as E
from tests.hazards.conftest import make_record
from tests.hazards.conftest import work as W
from zhiben_training.hazards import find_hazards
from zhiben_training.law import criteria


def R(**sections):
    return make_record(**sections)


def person(role, *certs, **extra):
    return {"role": role, "certificates": [dict(c) for c in certs], **extra}


def cert(kind, until, op=None):
    return {"type": kind, "valid_until": until, **({"operation_type": op} if op else {})}


def obs(key, **facts):
    return {"observations": {key: [facts]}}


# (item, description, record) — the record must raise the item
TRIGGERS = [
    ("4.1", "无有效安全生产许可证", R(enterprise={"safety_licence_valid": False})),
    ("4.1", "超资质承揽", R(enterprise={"qualification_covers_work": False})),
    ("4.2", "1万 m² 只有1名项目专职安全员", R(project={"floor_area_m2": 10000},
                                              staffing={"project_safety_managers": 1})),
    ("4.2", "5万 m² 只有2名项目专职安全员", R(project={"floor_area_m2": 50000},
                                              staffing={"project_safety_managers": 2})),
    ("4.2", "市政合同价5000万元只有1名（未核实规则）", R(project={"type": "市政", "contract_value_wan": 5000},
                                                         staffing={"project_safety_managers": 1})),
    ("4.2", "记录给出应配3人实有2人", R(staffing={"project_safety_managers": 2,
                                                  "project_safety_managers_required": 3})),
    ("4.2", "总承包特级企业只有5名专职", R(enterprise={"construction_kind": "总承包",
                                                       "qualification_grade": "特级",
                                                       "full_time_safety_managers": 5})),
    ("4.2", "项目负责人B证前一天过期", R(personnel=[person("项目负责人", cert("B", "2026-03-14"))])),
    ("4.2", "专职安全员只持B证", R(personnel=[person("专职安全生产管理人员", cert("B", "2027-01-01"))])),
    ("4.2", "法定代表人无证", R(personnel=[person("法定代表人")])),
    ("4.3", "特种作业证过期", R(personnel=[person("特种作业人员", cert("SPECIAL", "2026-03-14"))])),
    ("4.3", "电工持架子工证", R(personnel=[person("特种作业人员", cert("SPECIAL", "2027-01-01", "建筑架子工"),
                                                  operation_type="建筑电工")])),
    ("4.4", "3 m 基坑未编制方案", R(works=[W("excavation", depth_m=3, plan_prepared=False)])),
    ("4.4", "危大方案未审核", R(works=[W("scaffold", scaffold_type="cantilever", plan_reviewed=False)])),
    ("4.4", "方案存在严重缺陷", R(works=[W("curtain_wall", plan_severe_defect=True)])),
    ("4.4", "5 m 深基坑未专家论证", R(works=[W("excavation", depth_m=5, expert_review_held=False)])),
    ("4.4", "超规模仅4名专家论证", R(works=[W("excavation", depth_m=5,
                                              expert_review_held=True, expert_count=4)])),
    ("4.5", "24 m 落地脚手架未验收即使用", R(works=[W("scaffold", scaffold_type="floor_standing", height_m=24,
                                                      accepted_before_use=False)])),
    ("5.1", "毗邻管线无专项防护", R(works=[W("excavation", adjacent_at_risk=True,
                                             adjacent_protection=False)])),
    ("5.2", "超挖无措施", R(works=[W("slope", over_excavated=True, effective_measures=False)])),
    ("5.3", "5 m 深基坑无第三方监测", R(works=[W("excavation", depth_m=5, third_party_monitoring=False)])),
    ("5.3", "二级高边坡无第三方监测", R(works=[W("slope", slope_class="二级",
                                                 third_party_monitoring=False)])),
    ("5.4.1", "变形超控制值未处理", R(works=[W("excavation", deformation_exceeds_design=True,
                                               precursor_handled_in_time=False)])),
    ("5.4.2", "侧壁大量漏水未处理", R(works=[W("excavation", heavy_leakage_or_soil_flow=True,
                                               precursor_handled_in_time=False)])),
    ("5.4.3", "坑底突涌未处理", R(works=[W("excavation", piping_or_burst=True,
                                           precursor_handled_in_time=False)])),
    ("5.4.4", "孔洞0.81 m超桩径0.8 m", R(works=[W("excavation", pile_gap_hole_depth_m=0.81,
                                                  pile_diameter_m=0.8, precursor_handled_in_time=False)])),
    ("6.1", "模板支架基础不满足设计", R(works=[W("formwork_support", foundation_meets_design=False)])),
    ("6.2", "施工荷载超设计值", R(works=[W("formwork_support", load_exceeds_design=True)])),
    ("6.3", "爬模爬升时强度不足", R(works=[W("tool_formwork",
                                             strength_insufficient_at_removal_or_climb=True)])),
    ("6.4", "5 m 危大模板支撑未按顺序浇筑", R(works=[W("formwork_support", height_m=5,
                                                       pour_violates_plan=True)])),
    ("7.1", "脚手架基础不满足设计", R(works=[W("scaffold", scaffold_type="floor_standing",
                                               foundation_meets_design=False)])),
    ("7.2", "连墙件整层缺失", R(works=[W("scaffold", scaffold_type="floor_standing",
                                         wall_ties="whole_layer_missing")])),
    ("7.2", "未设置连墙件", R(works=[W("scaffold", scaffold_type="cantilever", wall_ties="none")])),
    ("7.3", "附着式升降脚手架防坠装置失效", R(works=[W("scaffold", scaffold_type="attached_lifting",
                                                       anti_fall_device="failed")])),
    ("8.1", "塔吊未验收即使用", R(equipment=[E("tower_crane", in_use=True, accepted=False)])),
    ("8.1", "施工升降机未办使用登记", R(equipment=[E("hoist", in_use=True, use_registered=False)])),
    ("8.2", "塔吊基础不满足设计", R(equipment=[E("tower_crane", foundation_meets_design=False)])),
    ("8.3", "顶升爬升前未检查", R(equipment=[E("tower_crane", current_operation="climbing",
                                               pre_operation_checks_done=False)])),
    ("8.4", "安全装置被拆除", R(equipment=[E("material_hoist", safety_devices="removed_or_damaged")])),
    ("8.5", "主要受力构件开焊", R(equipment=[E("tower_crane", main_member_defects=True)])),
    ("8.6", "施工升降机垂直度超标", R(equipment=[E("hoist", verticality_ok=False)])),
    ("8.7", "塔吊独立起升高度超标", R(equipment=[E("tower_crane", free_standing_height_ok=False)])),
    ("8.8", "群塔未保持安全距离", R(equipment=[E("tower_crane", safe_distance_ok=False)])),
    ("8.9", "使用达到报废标准的汽车吊", R(equipment=[E("mobile_crane", at_scrap_standard=True)])),
    ("8.9", "使用报废吊索具", R(works=[W("lifting_operation", rigging_at_scrap_standard=True)])),
    ("9.1", "钢结构安装支撑超设计承载力", R(works=[W("steel_structure", support_overloaded=True)])),
    ("9.2", "预制构件安装未防失稳", R(works=[W("prefab_install", anti_instability_measures=False)])),
    ("9.3", "悬挑卸料平台搁置点不稳且未可靠连接", R(works=[W("scaffold", scaffold_type="platform",
                                                             platform_kind="cantilever_unloading",
                                                             platform_on_stable_structure=False,
                                                             platform_reliably_connected=False)])),
    ("9.4", "脚手架与结构间贯通无水平防护", R(**obs("openings", kind="scaffold_gap",
                                                    horizontal_protection=False))),
    ("9.4", "电梯井无水平防护且无防护门", R(**obs("openings", kind="elevator_shaft",
                                                  horizontal_protection=False, shaft_door=False))),
    ("9.5", "吊篮安全锁失效", R(equipment=[E("gondola", safety_lock_ok=False)])),
    ("9.5", "吊篮超载", R(equipment=[E("gondola", overloaded=True)])),
    ("10.1", "湿度75.1%未用安全电压", R(**obs("lighting_zones", long_term_relative_humidity_pct=75.1,
                                              safety_voltage_lighting=False))),
    ("10.1", "导电灰尘未用安全电压", R(**obs("lighting_zones", conductive_dust=True,
                                             safety_voltage_lighting=False))),
    ("10.2", "外电线路距离不足且无防护", R(**obs("overhead_lines", near="scaffold", distance_meets_code=False,
                                                 protection_measures=False))),
    ("11.1", "未辨识且无警示标志", R(**obs("confined_spaces", identified=False, warning_sign=False))),
    ("11.2", "有限空间作业未审批", R(**obs("confined_spaces", work_in_progress=True, permit_approved=False))),
    ("11.3", "有限空间作业无监护", R(**obs("confined_spaces", work_in_progress=True,
                                           guardian_present=False))),
    ("11.4", "有限空间作业无气体检测设备", R(**obs("confined_spaces",
                                                   work_in_progress=True, gas_detector=False))),
    ("12.1", "装修拆承重结构未复核", R(works=[W("demolition", removes_load_bearing_in_renovation=True,
                                                structural_review_done=False)])),
    ("12.2", "拆除顺序不符合方案", R(works=[W("demolition", sequence_violates_plan=True)])),
    ("13.1", "地下水控制失效继续施工", R(works=[W("tunnel", groundwater_control_failed_continuing=True)])),
    ("13.2", "局部坍塌未及时处理", R(works=[W("tunnel", inrush_collapse_or_support_damage=True,
                                              measures_in_time=False)])),
    ("13.3", "未开展超前地质预报", R(works=[W("tunnel", advance_forecast_done=False)])),
    ("13.3", "监测超控制值未处理", R(works=[W("tunnel", monitoring_exceeds_design=True,
                                              measures_in_time=False)])),
    ("13.4", "盾构端头未按设计加固", R(works=[W("tunnel", end_reinforced_per_design=False)])),
    ("13.4", "加固效果不达标且未采取措施", R(works=[W("tunnel", reinforcement_effect_ok=False,
                                                      reinforcement_remedied=False)])),
    ("13.5", "盾尾渗漏仍掘进", R(works=[W("tunnel", tail_seal_or_hinge_leak_continuing=True)])),
    ("13.6", "隧道毗邻建筑无专项防护", R(works=[W("tunnel", adjacent_at_risk=True,
                                                  adjacent_protection=False)])),
    ("13.7", "未经批准在轨道保护区作业", R(works=[W("tunnel", rail_zone_unapproved_work=True)])),
    ("14.1", "坑边堆载20.1超允许值20", R(works=[W("excavation", edge_surcharge_kn_m2=20.1,
                                                  edge_surcharge_allowed_kn_m2=20)])),
    ("14.2", "无支护基坑3 m深、堆载距坑底边线3 m", R(works=[W("excavation", depth_m=3,
                                                              supported=False, stack_distance_m=3)])),
    ("14.3", "楼板堆载5.1超允许值5", R(**obs("structural_loads", element="floor_slab",
                                             load_kn_m2=5.1, allowed_kn_m2=5))),
    ("15.1", "泵车未校核作业位置承载力", R(equipment=[E("concrete_pump", route_bearing_checked=False)])),
    ("15.2", "大风天吊装", R(weather={"strong_wind": True, "activities": ["lifting"]})),
    ("15.2", "雷雨天高处作业", R(weather={"thunderstorm": True, "activities": ["work_at_height"]})),
    ("15.3", "履带吊吊运人员", R(**obs("persons_lifted", equipment_type="crawler_crane"))),
    ("16", "使用禁限用工艺", R(**obs("banned_techniques", name="现场简易土法拌制砂浆"))),
    ("17", "其他严重违法", R(**obs("other_serious_violations", description="夜间无照明在基坑边作业"))),
]

# (item, description, record) — the record must NOT raise the item
NEAR_MISSES = [
    ("4.1", "许可证有效且资质覆盖", R(enterprise={"safety_licence_valid": True,
                                                  "qualification_covers_work": True})),
    ("4.2", "9999.99 m² 有1名即足额", R(project={"floor_area_m2": 9999.99},
                                        staffing={"project_safety_managers": 1})),
    ("4.2", "49999 m² 有2名即足额", R(project={"floor_area_m2": 49999},
                                      staffing={"project_safety_managers": 2})),
    ("4.2", "市政合同价4999万元有1名", R(project={"type": "市政", "contract_value_wan": 4999},
                                         staffing={"project_safety_managers": 1})),
    ("4.2", "总承包特级企业有6名专职", R(enterprise={"construction_kind": "总承包",
                                                     "qualification_grade": "特级",
                                                     "full_time_safety_managers": 6})),
    ("4.2", "项目负责人B证当天到期仍有效", R(personnel=[person("项目负责人", cert("B", "2026-03-15"))])),
    ("4.2", "无证的项目负责人未从事相关工作", R(personnel=[person("项目负责人", working=False)])),
    ("4.2", "未写证书视为未知", R(personnel=[{"role": "项目负责人"}])),
    ("4.3", "电工持有效电工证", R(personnel=[person("特种作业人员", cert("SPECIAL", "2026-03-15", "建筑电工"),
                                                    operation_type="建筑电工")])),
    ("4.4", "2.99 m 基坑为一般工程，无需专项方案", R(works=[W("excavation",
                                                              depth_m=2.99, plan_prepared=False)])),
    ("4.4", "4.99 m 基坑无需专家论证", R(works=[W("excavation", depth_m=4.99, expert_review_held=False)])),
    ("4.4", "超规模5名专家论证", R(works=[W("excavation", depth_m=5,
                                            expert_review_held=True, expert_count=5)])),
    ("4.5", "23.99 m 落地脚手架为一般工程", R(works=[W("scaffold", scaffold_type="floor_standing",
                                                       height_m=23.99, accepted_before_use=False)])),
    ("4.5", "不需验收的危大工程", R(works=[W("scaffold", scaffold_type="floor_standing", height_m=30,
                                             acceptance_required=False, accepted_before_use=False)])),
    ("5.1", "已采取专项防护", R(works=[W("excavation", adjacent_at_risk=True, adjacent_protection=True)])),
    ("5.1", "防护情况未写", R(works=[W("excavation", adjacent_at_risk=True)])),
    ("5.2", "超挖已采取有效措施", R(works=[W("slope", over_excavated=True, effective_measures=True)])),
    ("5.3", "4.99 m 不是深基坑", R(works=[W("excavation", depth_m=4.99, third_party_monitoring=False)])),
    ("5.3", "三级边坡不是高边坡", R(works=[W("slope", slope_class="三级", third_party_monitoring=False)])),
    ("5.4.1", "变形超值已及时处理", R(works=[W("excavation", deformation_exceeds_design=True,
                                               precursor_handled_in_time=True)])),
    ("5.4.2", "漏水已及时处理", R(works=[W("excavation", heavy_leakage_or_soil_flow=True,
                                           precursor_handled_in_time=True)])),
    ("5.4.3", "无管涌突涌", R(works=[W("excavation", piping_or_burst=False,
                                       precursor_handled_in_time=False)])),
    ("5.4.4", "孔洞深度等于桩径", R(works=[W("excavation", pile_gap_hole_depth_m=0.8, pile_diameter_m=0.8,
                                             precursor_handled_in_time=False)])),
    ("6.1", "基础满足设计", R(works=[W("formwork_support", foundation_meets_design=True)])),
    ("6.2", "荷载未超设计值", R(works=[W("formwork_support", load_exceeds_design=False)])),
    ("6.3", "强度达到要求", R(works=[W("tool_formwork", strength_insufficient_at_removal_or_climb=False)])),
    ("6.4", "4.99 m 一般模板支撑", R(works=[W("formwork_support", height_m=4.99, pour_violates_plan=True)])),
    ("7.1", "脚手架基础满足设计", R(works=[W("scaffold", scaffold_type="floor_standing",
                                             foundation_meets_design=True)])),
    ("7.2", "连墙件个别缺失", R(works=[W("scaffold", scaffold_type="floor_standing",
                                         wall_ties="partly_missing")])),
    ("7.3", "附着式升降脚手架装置齐全有效", R(works=[W("scaffold", scaffold_type="attached_lifting",
                                                       anti_tilt_device="ok", anti_fall_device="ok",
                                                       sync_control_device="ok")])),
    ("8.1", "未验收的塔吊未投入使用", R(equipment=[E("tower_crane", in_use=False, accepted=False)])),
    ("8.2", "塔吊基础满足设计", R(equipment=[E("tower_crane", foundation_meets_design=True)])),
    ("8.3", "正常使用中不涉及安拆前检查", R(equipment=[E("tower_crane", current_operation="operating",
                                                         pre_operation_checks_done=False)])),
    ("8.4", "安全装置齐全", R(equipment=[E("material_hoist", safety_devices="complete")])),
    ("8.5", "构件无缺陷", R(equipment=[E("tower_crane", main_member_defects=False,
                                         bolts_pins_missing_or_failed=False)])),
    ("8.6", "施工升降机附着与垂直度合格", R(equipment=[E("hoist", attachment_spacing_ok=True,
                                                         free_height_ok=True, verticality_ok=True)])),
    ("8.7", "塔吊高度与附着合格", R(equipment=[E("tower_crane",
                                                 free_standing_height_ok=True, verticality_ok=True)])),
    ("8.8", "塔吊保持安全距离", R(equipment=[E("tower_crane", safe_distance_ok=True)])),
    ("8.9", "报废汽车吊已停用", R(equipment=[E("mobile_crane", at_scrap_standard=True, in_use=False)])),
    ("9.1", "支撑未超载且设防倾覆装置", R(works=[W("steel_structure", support_overloaded=False,
                                                   anti_overturning_device=True)])),
    ("9.2", "已采取防失稳措施", R(works=[W("prefab_install", anti_instability_measures=True)])),
    ("9.3", "搁置点不稳但已可靠连接", R(works=[W("scaffold", scaffold_type="platform",
                                                 platform_kind="cantilever_unloading",
                                                 platform_on_stable_structure=False,
                                                 platform_reliably_connected=True)])),
    ("9.4", "电梯井无水平防护但有防护门", R(**obs("openings", kind="elevator_shaft",
                                                  horizontal_protection=False, shaft_door=True))),
    ("9.5", "吊篮安全锁有效、安全绳独立", R(equipment=[E("gondola", safety_lock_ok=True,
                                                         lifeline_independent=True, overloaded=False)])),
    ("10.1", "湿度恰为75%", R(**obs("lighting_zones", long_term_relative_humidity_pct=75,
                                    safety_voltage_lighting=False))),
    ("10.1", "导电灰尘环境使用安全电压", R(**obs("lighting_zones", conductive_dust=True,
                                                 safety_voltage_lighting=True))),
    ("10.2", "距离不足但已防护", R(**obs("overhead_lines", distance_meets_code=False,
                                         protection_measures=True))),
    ("11.1", "未辨识但设有警示标志", R(**obs("confined_spaces", identified=False, warning_sign=True))),
    ("11.2", "未审批但当前无作业", R(**obs("confined_spaces", work_in_progress=False,
                                           permit_approved=False))),
    ("11.3", "有专人监护且安全员在场", R(**obs("confined_spaces", work_in_progress=True,
                                               guardian_present=True, safety_manager_supervising=True))),
    ("11.4", "设备配备齐全", R(**obs("confined_spaces", work_in_progress=True, gas_detector=True,
                                     mechanical_ventilation=True, respiratory_protection=True,
                                     rescue_equipment=True))),
    ("12.1", "已经原设计单位复核", R(works=[W("demolition", removes_load_bearing_in_renovation=True,
                                              structural_review_done=True)])),
    ("12.2", "拆除顺序符合方案", R(works=[W("demolition", sequence_violates_plan=False)])),
    ("13.1", "带水作业已采取措施", R(works=[W("tunnel", water_at_face_without_measures=False)])),
    ("13.2", "坍塌已及时采取措施", R(works=[W("tunnel", inrush_collapse_or_support_damage=True,
                                              measures_in_time=True)])),
    ("13.3", "预报和量测均已开展", R(works=[W("tunnel", advance_forecast_done=True,
                                              monitoring_measurement_done=True)])),
    ("13.4", "加固效果不达标但已采取措施", R(works=[W("tunnel", reinforcement_effect_ok=False,
                                                      reinforcement_remedied=True)])),
    ("13.5", "盾尾密封有效", R(works=[W("tunnel", tail_seal_or_hinge_leak_continuing=False)])),
    ("13.6", "隧道毗邻建筑已防护", R(works=[W("tunnel", adjacent_at_risk=True, adjacent_protection=True)])),
    ("13.7", "保护区作业已批准", R(works=[W("tunnel", rail_zone_unapproved_work=False)])),
    ("14.1", "坑边堆载恰为允许值", R(works=[W("excavation", edge_surcharge_kn_m2=20,
                                              edge_surcharge_allowed_kn_m2=20)])),
    ("14.2", "堆载距坑底边线3.01 m", R(works=[W("excavation", depth_m=3, supported=False,
                                                stack_distance_m=3.01)])),
    ("14.2", "有支护基坑", R(works=[W("excavation", depth_m=3, supported=True, stack_distance_m=1)])),
    ("14.3", "楼板堆载恰为允许值", R(**obs("structural_loads", element="floor_slab",
                                           load_kn_m2=5, allowed_kn_m2=5))),
    ("15.1", "泵车已校核", R(equipment=[E("concrete_pump", route_bearing_checked=True)])),
    ("15.1", "塔吊不属本项所列大型机械", R(equipment=[E("tower_crane", route_bearing_checked=False)])),
    ("15.2", "大风天未进行所列作业", R(weather={"strong_wind": True, "activities": []})),
    ("15.2", "天气正常时吊装", R(weather={"strong_wind": False, "activities": ["lifting"]})),
    ("15.3", "施工升降机载人", R(**obs("persons_lifted", equipment_type="hoist"))),
    ("16", "未使用禁限用工艺", R(**obs("banned_techniques"))),
    ("17", "未记录其他严重违法", R(**obs("other_serious_violations"))),
]
# empty lists for 16/17 near misses
NEAR_MISSES[-2] = ("16", "未使用禁限用工艺", R(observations={"banned_techniques": []}))
NEAR_MISSES[-1] = ("17", "未记录其他严重违法", R(observations={"other_serious_violations": []}))


def _ids(record):
    return [f.item_id for f in find_hazards(record)]


@pytest.mark.parametrize(("item", "why", "record"), TRIGGERS, ids=[f"{i}-{w}" for i, w, _ in TRIGGERS])
def test_the_facts_raise_the_item(item, why, record):
    assert item in _ids(record), why


@pytest.mark.parametrize(("item", "why", "record"), NEAR_MISSES, ids=[f"{i}-{w}" for i, w, _ in NEAR_MISSES])
def test_the_near_miss_does_not_raise_the_item(item, why, record):
    assert item not in _ids(record), why


def test_every_decidable_item_has_a_trigger_and_a_near_miss():
    leaves = {c.id for c in criteria("2024")} - {"5.4"}  # 5.4 is reported through 5.4.1–5.4.4
    assert {i for i, _, _ in TRIGGERS} == leaves
    assert {i for i, _, _ in NEAR_MISSES} == leaves


def test_a_record_without_facts_has_no_major_hazard():
    assert find_hazards(make_record()) == []


def test_findings_carry_verbatim_text_and_the_triggering_facts():
    record = make_record(works=[W("excavation", depth_m=5, third_party_monitoring=False)])
    (finding,) = [f for f in find_hazards(record) if f.item_id == "5.3"]
    assert finding.text == "深基坑、高边坡（一级、二级）施工未进行第三方监测；"
    assert finding.facts == ("works[0].depth_m = 5", "works[0].third_party_monitoring = false")
    assert finding.needs_judgement is False


@pytest.mark.parametrize("item", ["16", "17"])
def test_items_16_and_17_are_raised_for_human_judgement(item):
    key = {"16": ("banned_techniques", "name"), "17": ("other_serious_violations", "description")}[item]
    record = make_record(observations={key[0]: [{key[1]: "现场情况"}]})
    (finding,) = find_hazards(record)
    assert (finding.item_id, finding.needs_judgement) == (item, True)
    assert finding.facts == (f'observations.{key[0]}[0].{key[1]} = "现场情况"',)


def test_one_item_found_in_two_places_is_reported_once_with_both_facts():
    record = make_record(equipment=[E("tower_crane", safe_distance_ok=False),
                                    {"equipment_id": "E-02", "equipment_type": "tower_crane",
                                     "safe_distance_ok": False}])
    (finding,) = find_hazards(record)
    assert finding.facts == ("equipment[0].safe_distance_ok = false", "equipment[1].safe_distance_ok = false")


def test_findings_come_in_the_order_of_the_standard():
    record = make_record(weather={"dense_fog": True, "activities": ["lifting"]},
                         enterprise={"safety_licence_valid": False},
                         works=[W("demolition", sequence_violates_plan=True)])
    assert _ids(record) == ["4.1", "12.2", "15.2"]


def test_only_the_principals_206_lists_need_an_a_certificate_the_unlisted_roles_are_undetermined():
    """206号 一 lists 法定代表人、总经理… as 企业主要负责人, not 实际控制人/实际负责人: no 4.2 on that
    alone."""
    from tests.reference import REGULATIONS, reference_text
    from zhiben_training.hazards import judge_record

    listed = ("企业主要负责人包括法定代表人、总经理（总裁）、分管安全生产的副总经理（副总裁）、"
              "分管生产经营的副总经理（副总裁）、技术负责人、安全总监等。")
    assert listed in reference_text(REGULATIONS) and "实际控制人" not in listed and "实际负责人" not in listed
    for role in ("实际控制人", "实际负责人"):
        verdict = judge_record(R(personnel=[person(role)]))
        assert "4.2" not in {f.item_id for f in verdict.findings}, role
        open_42 = [u for u in verdict.undetermined if u.item_id == "4.2"]
        assert (len(open_42) == 1 and "206号" in open_42[0].notes[0]
                and "主要负责人" in open_42[0].notes[0]), role
        assert "4.2" not in {u.item_id for u in
                             judge_record(R(personnel=[person(role, cert("A", "2027-01-01"))])).undetermined}
    assert "4.2" in {f.item_id for f in judge_record(R(personnel=[person("法定代表人")])).findings}


def test_9_2_is_raised_only_for_the_members_its_text_names():
    """第九条（二）单榀钢桁架（屋架）等预制构件安装时未采取防失稳措施: not every steel structure."""
    from tests.reference import REGULATIONS, reference_text
    from zhiben_training.hazards import judge_record

    assert ("| 9.2 | （二） | 单榀钢桁架（屋架）等预制构件安装时未采取防失稳措施； |"
            in reference_text(REGULATIONS))

    def verdict(**facts):
        v = judge_record(R(works=[W("steel_structure", anti_instability_measures=False, **facts)]))
        return ("found" if "9.2" in {f.item_id for f in v.findings} else
                "open" if "9.2" in {u.item_id for u in v.undetermined} else "none")

    assert verdict(single_truss_or_prefab_members=True, structure_kind="steel") == "found"
    assert verdict(single_truss_or_prefab_members=False, structure_kind="space_frame") == "none"
    assert verdict(structure_kind="space_frame") == "open"
    assert verdict(structure_kind="steel") == "open"
