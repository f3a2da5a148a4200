"""The hazard ledger is coherent: dates in order, 重大 with an item id, open planted hazards, some overdue."""

from __future__ import annotations

import pandas as pd

from zhiben_training.synth import DEFAULT_REFERENCE_DATE
from zhiben_training.synth._plant import PLANTABLE_IDS

REF = pd.Timestamp(DEFAULT_REFERENCE_DATE)


def test_findings_run_from_2024_to_the_reference_date_with_the_three_channels(demo_tables):
    f = demo_tables["findings"]
    assert len(f) == 12_000 and f["finding_id"].is_unique
    assert f["found_date"].between(pd.Timestamp("2024-01-01"), REF).all()
    assert set(f["channel"]) == {"企业自查", "督导检查", "群众举报"}
    assert set(f["site_id"]) <= set(demo_tables["sites"]["site_id"])


def test_major_findings_and_only_they_carry_a_2024_item_id(demo_tables):
    f = demo_tables["findings"]
    major = f["level"] == "重大"
    assert set(f["level"]) == {"一般", "重大"}
    assert set(f.loc[major, "item_id"]) <= set(PLANTABLE_IDS)
    assert (f.loc[~major, "item_id"] == "").all()


def test_dates_are_in_order_and_nothing_happens_after_the_reference_date(demo_tables):
    f = demo_tables["findings"]
    assert (f["deadline"] > f["found_date"]).all()
    done = f["rectified_date"].notna()
    assert (f.loc[done, "rectified_date"] > f.loc[done, "found_date"]).all()
    closed = f["closed_date"].notna()
    assert (f.loc[closed, "closed_date"] >= f.loc[closed, "rectified_date"]).all()
    assert not (closed & ~done).any()
    assert (f["rectified_date"].dropna() <= REF).all() and (f["closed_date"].dropna() <= REF).all()


def test_some_findings_are_overdue_and_some_were_rectified_late(demo_tables):
    f = demo_tables["findings"]
    overdue = f["closed_date"].isna() & (f["deadline"] < REF)
    assert 0 < overdue.sum() < 0.1 * len(f)
    assert (f["rectified_date"] > f["deadline"]).any()


def test_every_planted_hazard_is_an_open_major_finding_of_its_site(demo_tables):
    f = demo_tables["findings"]
    open_major = set(zip(*f.loc[(f["level"] == "重大") & f["closed_date"].isna(), ["site_id", "item_id"]]
                         .to_numpy().T, strict=True))
    planted = {(row.site_id, item) for row in demo_tables["sites"].itertuples()
               for item in row.label_major_hazard_ids.split(";") if item}
    assert planted and open_major == planted


def test_the_major_share_falls_year_by_year_as_the_campaign_intends(demo_tables):
    f = demo_tables["findings"]
    share = (f["level"] == "重大").groupby(f["found_date"].dt.year).mean()
    assert share[2024] > share[2025]
