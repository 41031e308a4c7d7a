"""The arithmetic of every method, worked by hand."""

from datetime import date
from decimal import Decimal as D

from scoring.engine import methods


def test_rounding_is_half_up_to_two_places():
    assert methods.q2(D("0.125")) == D("0.13")
    assert methods.q2(D("0.124")) == D("0.12")
    assert methods.q2(D("2.675")) == D("2.68")  # a float would give 2.67
    assert methods.q2(D("-0.125")) == D("-0.13")


def test_count_target_proportional_and_capped():
    # 10 points, target 3 a quarter, 1 done: 10 × 1/3 = 3.333… -> 3.33
    assert methods.count_target(D(10), [1], D(3)).points == D("3.33")
    # 2 of 3: 6.666… -> 6.67 (half-up)
    assert methods.count_target(D(10), [2], D(3)).points == D("6.67")
    # more than the target never gives more than the maximum
    assert methods.count_target(D(10), [5], D(3)).points == D("10.00")
    assert methods.count_target(D(10), [0], D(1)).points == D("0.00")


def test_count_target_with_several_partnerships_counts_each_up_to_its_target():
    # two partnerships, target 2 each: 5 + 0 counts as 2 + 0 of 4 -> half of 8 = 4
    outcome = methods.count_target(D(8), [5, 0], D(2))
    assert outcome.points == D("4.00")
    assert outcome.count == D(5) and outcome.target == D(4)


def test_count_target_without_any_obligation_scores_nothing():
    assert methods.count_target(D(10), [], D(1)).points == D("0")


def test_on_time_full_half_zero():
    deadline = date(2026, 1, 31)
    assert methods.on_time(D(5), [date(2026, 1, 31)], deadline).points == D("5.00")
    assert methods.on_time(D(5), [date(2026, 2, 1)], deadline).points == D("2.50")
    assert methods.on_time(D(5), [None], deadline).points == D("0")
    assert methods.on_time(D("3.25"), [date(2026, 3, 1)], deadline).points == D("1.63")  # 1.625 half-up
    # with several plans the worst one counts
    assert methods.on_time(D(4), [date(2026, 1, 2), None], deadline).points == D("0")
    assert methods.on_time(D(4), [date(2026, 1, 2), date(2026, 2, 2)], deadline).points == D("2.00")


def test_ratio_and_full_points_when_nothing_due():
    assert methods.ratio(D(10), 2, 3).points == D("6.67")
    assert methods.ratio(D(10), 0, 4).points == D("0.00")
    assert methods.ratio(D(10), 0, 0).points == D("10.00")


def test_deduction_per_never_below_minus_max():
    assert methods.deduction_per(D(5), 0, D(2)).points == D("0")
    assert methods.deduction_per(D(5), 2, D(2)).points == D("-4.00")
    assert methods.deduction_per(D(5), 3, D(2)).points == D("-5.00")
    assert methods.deduction_per(D(5), 9, D("0.5")).points == D("-4.50")


def test_manual_clamped_between_zero_and_max_and_missing_counts_zero():
    assert methods.manual(D(10), D("8.5"), "好").points == D("8.50")
    assert methods.manual(D(10), None).points == D("0")
    assert methods.manual(D(10), D(12)).points == D("10.00")


def test_competition_ranking_ties_share_and_skip_listed_by_code():
    rows = [(D(90), "B03", False), (D(95), "B02", False), (D(95), "B01", False), (D(80), "B04", False)]
    order = methods.competition_ranks(rows)
    assert [(rows[i][1], rank) for i, rank in order] == [("B01", 1), ("B02", 1), ("B03", 3), ("B04", 4)]


def test_vetoed_branch_goes_last_whatever_its_points():
    rows = [(D(99), "B01", True), (D(50), "B02", False), (D(60), "B03", False)]
    order = methods.competition_ranks(rows)
    assert [(rows[i][1], rank) for i, rank in order] == [("B03", 1), ("B02", 2), ("B01", 3)]
