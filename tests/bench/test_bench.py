"""Smoke tests of the benchmark: the generator builds a consistent organisation at a tiny scale, and the
results document carries the keys the README and the lead read. No timing is asserted."""

import json
from datetime import date

import pytest

from bench.generate import counts_for, generate_organisation
from bench.run import TARGETS, assemble, markdown, parse_scale, write_results
from branches.models import Branch, Member, Role
from pairing.models import Activity, Pair, Partnership

TINY = 0.002  # 10 branches, 5 pairs, 1 partnership, 200 members, 1,000 activities


@pytest.fixture
def tiny(db):
    return generate_organisation(factor=TINY, today=date(2026, 11, 21))


def test_the_generator_builds_the_organisation_it_reports(tiny):
    target = counts_for(TINY)
    assert tiny["counts"]["branches"] == Branch.objects.count() >= target["branches"]
    assert Pair.objects.filter(year=2026).count() == target["pairs"]
    assert Partnership.objects.filter(year=2026).count() == target["partnerships"]
    assert Member.objects.count() >= target["members"]
    assert Activity.objects.count() == target["activities"]
    # Every pair joins a lead office/direct branch with at least one grassroots branch.
    for pair in Pair.objects.prefetch_related("grassroots_branches").select_related("lead_branch"):
        assert pair.lead_branch.is_pair_lead_kind
        assert pair.grassroots_branches.exists()
        assert all(b.kind == Branch.Kind.GRASSROOTS for b in pair.grassroots_branches.all())
    # A partnership needs 5+ of the HR center branch's members working away at that organisation.
    for partnership in Partnership.objects.all():
        assert partnership.members_away_count() >= 5
    # Every branch has a secretary who is its own member, and a user with the secretary role.
    for branch in Branch.objects.select_related("secretary"):
        assert branch.secretary.branch_id == branch.pk
    assert Role.objects.filter(kind=Role.Kind.SECRETARY).count() == Branch.objects.count()
    assert Role.objects.filter(kind=Role.Kind.ORG_ADMIN, user__username=tiny["users"]["org_admin"]).exists()
    # Joint activities of a pair are dated within the year and list the pair's branches.
    joint = Activity.objects.filter(pair__isnull=False).prefetch_related("branches").select_related("pair").first()
    assert joint.date.year == 2026 and joint.date <= date(2026, 11, 21)
    assert {b.pk for b in joint.branches.all()} == {b.pk for b in joint.pair.branches}


def test_the_generator_leaves_a_rubric_in_force(tiny):
    from branches.periods import Quarter
    from scoring.engine.compile import rubric_for

    assert tiny["rubric"]["created"]
    assert rubric_for(Quarter(2026, 3)) is not None


def test_scales_are_named_or_factors():
    assert parse_scale("small") == ("small", 0.02)
    assert parse_scale("full") == ("full", 1.0)
    assert parse_scale("0.1")[1] == 0.1
    assert parse_scale("10x") == ("10x", 10.0)  # a group company
    with pytest.raises(ValueError):
        parse_scale("11")


def test_the_generator_loads_activities_in_chunks_with_the_same_rows(db, monkeypatch):
    import bench.generate

    monkeypatch.setattr(bench.generate, "ACTIVITY_CHUNK", 300)
    summary = generate_organisation(factor=TINY, today=date(2026, 11, 21))
    assert Activity.objects.count() == summary["counts"]["activities"] == counts_for(TINY)["activities"]
    assert Activity.branches.through.objects.count() >= Activity.objects.count()  # every activity has its branches
    assert not Activity.objects.filter(branches__isnull=True).exists()


def _fake_results() -> dict:
    scale = {"name": "small", "factor": 0.02, "db": "bench_small",
             "counts": {"branches": 101, "pairs": 50, "partnerships": 6, "members": 2000, "activities": 10000},
             "query_scales": {"1x": {"factor": 0.02, "db": "bench_small", "counts": {"branches": 101}},
                              "10x": {"factor": 0.2, "db": "bench_small_x10", "counts": {"branches": 1001}}}}
    results = {"generated_at": "2026-11-21T05:00:00+00:00", "scale": scale,
               "machine": {"cpu_count": 2, "memory_gb": 23.4, "postgresql": "15", "python": "3.11"},
               "load": {"start": {"1m": 5.0}, "end": {"1m": 1.0}},
               "dashboard_cold": {"bench_small": {"median_ms": 120.0, "queries": 21, "rows_shown": 80, "bytes": 5}}}
    page = {"p50_us": 4000, "p95_us": 9000}
    floor = {"p50_us": 1000, "p95_us": 3000}
    mixed = {"home": {"p50_us": 6000, "p95_us": 36000, "non200": 0}, "dashboard": {**page, "non200": 0},
             "writes": {**page, "non200": 0}, "write_share": 0.1}
    return assemble(
        results,
        compile_result={"compile_median_s": 0.9, "floor_median_s": 0.03, "ratio": 30.0,
                        "read": {"ratio": 40.0}, "write": {"ratio": 2.5},
                        "ratio_spread": {"runs": [29.0, 30.0, 31.0], "median": 30.0, "min": 29.0, "max": 31.0,
                                         "spread_pct": 6.7}},
        export_result={"export_median_s": 0.15, "floor_median_s": 0.1, "ratio": 1.5,
                       "memory": {"peak_mb_at_10x": 250.0, "basis": "extrapolated"}},
        queries={"1x": {"dashboard": {"count": 22}, "home": {"count": 18}, "compile": {"count": 31},
                        "export": {"count": 2}},
                 "10x": {"dashboard": {"count": 22}, "home": {"count": 19}, "compile": {"count": 31},
                         "export": {"count": 2}}},
        pages={"dashboard": page, "home": page, "floor_used": floor, "distinct_secretaries": 2000,
               "rounds": [{"floor": floor, "mixed": mixed}],
               "ratios_by_round": {"mixed_home_p95": {"runs": [12.0], "median": 12.0, "min": 12.0, "max": 12.0,
                                                      "spread_pct": 0.0}}},
    )


def test_the_results_document_has_the_required_keys(tmp_path):
    results = _fake_results()
    write_results(results, directory=tmp_path)
    written = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert {"scale", "ratios", "queries", "machine", "load"} <= set(written)
    assert set(TARGETS) <= set(written["ratios"])
    assert written["ratios"]["compile_vs_floor"] == 30.0
    assert written["ratios"]["compile_read_vs_floor"] == 40.0
    assert written["ratios"]["compile_write_vs_floor"] == 2.5
    assert written["ratios"]["dashboard_alone_p95_vs_floor"] == 3.0
    assert written["ratios"]["home_mixed_p95_vs_floor"] == 12.0
    assert written["ratios"]["export_vs_floor"] == 1.5
    for key in ("dashboard", "home", "compile"):
        assert {"1x", "10x"} <= set(written["queries"][key])
    assert written["queries"]["home"]["constant"] is False
    assert written["met"] == {"compile_vs_floor": False, "home_mixed_p95_vs_floor": False, "dashboard_cold_ms": True,
                              "export_vs_floor": True, "export_peak_mb_at_10x": False, "queries_constant": False}
    assert any("loaded" in note for note in written["notes"])  # load average 5 on 2 CPUs
    assert len(list(tmp_path.glob("2*-small.json"))) == 1  # the timestamped copy
    assert json.loads((tmp_path / "latest-small.json").read_text(encoding="utf-8")) == written
    table = (tmp_path / "latest.md").read_text(encoding="utf-8")
    assert "30.00×" in table and "**no**" in table and "spread 6.7%" in table and "start: 5.0" in table


def test_the_markdown_says_which_measurement_is_missing():
    results = _fake_results()
    results = assemble(results, compile_result={"error": "no rubric"}, export_result={}, pages=None,
                       queries={"1x": {}, "10x": {}})
    text = markdown(results)
    assert "compile: no rubric" in text
    assert results["ratios"]["home_mixed_p95_vs_floor"] is None
