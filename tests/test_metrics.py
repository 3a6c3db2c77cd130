from __future__ import annotations

import codecs
import math
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from journeymap import DataError, Journey, dumps_journey, load_journey, loads_journey, sample_journey_paths
from journeymap.metrics import MetricResult, WorkingCalendar, ces, csat, nps, set_metrics, survey_metrics, ttr

Z95 = stats.norm.ppf(0.975)


def _shop() -> Journey:
    path = next(p for p in sample_journey_paths() if p.stem == "mua_hang_va_doi_tra")
    return load_journey(path)


def _write_csv(path, text: str, *, bom: bool = True):
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"))
    return path


# -- NPS ------------------------------------------------------------------------------------------
def test_nps_is_promoters_minus_detractors_with_the_documented_interval():
    # 4 promoters (9–10), 2 passives (7–8), 2 detractors (0–6); blanks are not answers.
    result = nps([10, 9, "9", " 10 ", 8, "7", 6, 0, None, "", float("nan")])
    assert (result.name, result.value, result.n, result.skipped) == ("NPS", 25.0, 8, 0)
    p_plus, p_minus = 4.75 / 11, 2.75 / 11  # 3/4 answer added to each end, 3 answers in all
    half = 100 * Z95 * math.sqrt((p_plus + p_minus - (p_plus - p_minus) ** 2) / 11)
    assert result.low == pytest.approx(25 - half)
    assert result.high == pytest.approx(25 + half)


def test_nps_interval_keeps_a_width_at_one_answer_and_at_100_percent():
    one = nps([10])
    assert one.value == 100 and one.high == 100
    assert one.low == pytest.approx(100 - 100 * Z95 * math.sqrt((1.75 / 4 + 0.75 / 4 - (1 / 4) ** 2) / 4))
    all_promoters = nps([9, 10] * 10)
    assert all_promoters.value == 100 and all_promoters.high == 100 and 80 < all_promoters.low < 100
    all_detractors = nps([0, 3, 6] * 5)
    assert all_detractors.value == -100 and all_detractors.low == -100 and -100 < all_detractors.high < -70


@pytest.mark.parametrize("metric", [nps, csat, ces])
def test_intervals_contain_the_value_narrow_with_n_and_stay_on_the_scale(metric):
    bounds = {nps: (-100, 100), csat: (0, 100), ces: (1, 7)}[metric]
    answers = {nps: [10, 9, 8, 6, 3, 10, 7], csat: [5, 4, 3, 1, 5, 2, 4], ces: [7, 6, 2, 1, 5, 7, 4]}[metric]
    small, large = metric(answers * 3), metric(answers * 30)
    assert small.value == pytest.approx(large.value)
    for result in (small, large, metric(answers[:2]), metric([answers[0]] * 4)):
        assert bounds[0] <= result.low <= result.value <= result.high <= bounds[1]
    assert large.high - large.low < small.high - small.low


def test_nps_confidence_level_widens_the_interval():
    answers = [10, 9, 8, 6, 3, 10, 7] * 5
    assert nps(answers, confidence=0.99).low < nps(answers).low < nps(answers, confidence=0.8).low


# -- CSAT, CES --------------------------------------------------------------------------------------
def test_csat_is_the_share_of_4_and_5_with_a_wilson_interval():
    result = csat([5, 4, 4, 3, 1])
    assert (result.value, result.n, result.unit) == (60.0, 5, "%")
    centre = (0.6 + Z95**2 / 10) / (1 + Z95**2 / 5)
    half = Z95 * math.sqrt(0.6 * 0.4 / 5 + Z95**2 / 100) / (1 + Z95**2 / 5)
    assert (result.low, result.high) == pytest.approx((100 * (centre - half), 100 * (centre + half)))
    everyone = csat([5] * 12)
    assert everyone.value == 100 and everyone.high == pytest.approx(100) and everyone.low < 100


def test_ces_is_the_mean_with_a_t_interval_clipped_to_the_scale():
    result = ces([6, 5, 7, 4, ""])
    assert (result.value, result.n) == (5.5, 4)
    half = stats.t.ppf(0.975, 3) * math.sqrt(5 / 3) / 2
    assert result.low == pytest.approx(5.5 - half)
    assert result.high == 7  # 5.5 + 2.05 is clipped to the top of the scale


def test_ces_from_one_answer_has_no_interval_and_says_so():
    result = ces([3])
    assert result.value == 3 and math.isnan(result.low) and math.isnan(result.high)
    assert str(result) == "CES 3,00 (too few for an interval, n = 1)"


# -- readable results -------------------------------------------------------------------------------
def test_results_read_as_a_sentence():
    answers = [10] * 500 + [8] * 400 + [2] * 304
    result = nps(answers)
    assert isinstance(result, MetricResult)
    low, high = (f"{bound:.1f}".replace(".", ",") for bound in (result.low, result.high))
    assert str(result) == repr(result) == f"NPS 16,3 (95% CI {low} … {high}, n = 1.204)"  # decimal comma, thousands dot
    assert str(csat([5, 4, 1, 2], confidence=0.9)).startswith("CSAT 50,0% (90% CI ")
    skipped = str(nps([10, 11, "mười"], skip_invalid=True))
    assert skipped.endswith("n = 1, 2 skipped)")


# -- invalid answers --------------------------------------------------------------------------------
def test_invalid_answers_are_listed_with_what_is_allowed():
    with pytest.raises(DataError) as error:
        nps([10, 11, 7.5, "mười", -1, 9])
    message = str(error.value)
    assert "4 invalid values (allowed: whole numbers 0–10, or blank)" in message
    assert "index 1: 11, index 2: 7.5, index 3: 'mười', index 4: -1" in message
    assert "skip_invalid=True" in message
    with pytest.raises(DataError, match=r"allowed: whole numbers 1–5, or blank\): index 0: 0, index 1: 6"):
        csat([0, 6, 5])
    with pytest.raises(DataError, match=r"allowed: whole numbers 1–7, or blank\): index 'r2': 4.5"):
        ces(pd.Series([4, 4.5], index=["r1", "r2"]))


def test_only_the_first_20_invalid_rows_are_listed():
    with pytest.raises(DataError) as error:
        nps(list(range(11, 46)))
    message = str(error.value)
    assert "35 invalid values" in message and "index 19: 30" in message and "index 20: 31" not in message
    assert message.endswith("… and 15 more")


def test_skip_invalid_skips_and_counts():
    result = nps([10, 11, 7.5, "mười", 9, 0, ""], skip_invalid=True)
    assert (result.value, result.n, result.skipped) == (pytest.approx(100 / 3), 3, 3)
    assert csat(["5", "x"], skip_invalid=True).skipped == 1


def test_nothing_to_measure_is_an_error_not_a_nan():
    with pytest.raises(DataError, match="no NPS answers to measure: 3 values, 2 blank, 1 invalid and skipped"):
        nps(["", None, 12], skip_invalid=True)
    with pytest.raises(DataError, match="scores is empty"):
        ces([])


@pytest.mark.parametrize("confidence", [0, 1, 95, "0.95", None])
def test_bad_confidence_names_the_parameter(confidence):
    with pytest.raises(ValueError, match=r"confidence must be a number between 0 and 1 .*got"):
        nps([9], confidence=confidence)


def test_scores_must_be_a_sequence_and_anything_else_is_a_type_error():
    with pytest.raises(TypeError, match="scores must be a sequence"):
        nps("9")


# -- TTR --------------------------------------------------------------------------------------------
def _one(opened: str, resolved: str, **options) -> float:
    return ttr([opened], [resolved], **options).value


def test_friday_afternoon_to_monday_morning():
    # 2026-01-09 is a Friday: 16:00–17:30 on Friday, 8:00–9:00 on Monday.
    assert _one("2026-01-09 16:00", "2026-01-12 09:00") == 65.0
    assert _one("2026-01-09 16:00", "2026-01-12 09:00", unit="working_hours") == 2.5
    assert _one("2026-01-09 16:00", "2026-01-12 09:00", unit="working_days") == 2.5 / 8


@pytest.mark.parametrize(
    ("opened", "resolved", "hours"),
    [
        ("2026-01-12 12:15", "2026-01-12 13:15", 0.0),  # entirely within the lunch break
        ("2026-01-12 11:30", "2026-01-12 14:00", 1.0),  # across it: 11:30–12:00 and 13:30–14:00
        ("2026-01-12 12:30", "2026-01-12 13:45", 0.25),  # opened during lunch
        ("2026-01-11 10:00", "2026-01-12 10:00", 2.0),  # opened on Sunday
        ("2026-01-10 10:00", "2026-01-10 15:00", 0.0),  # opened and resolved on Saturday
        ("2026-01-12 07:00", "2026-01-12 09:00", 1.0),  # before the office opens
        ("2026-01-12 20:00", "2026-01-13 08:30", 0.5),  # in the evening
        ("2026-01-12 09:00", "2026-01-16 17:30", 7 + 4 * 8),  # Monday 9:00 to Friday evening
        ("2026-01-12 09:00", "2026-01-12 09:00", 0.0),
    ],
)
def test_working_hours_by_hand(opened, resolved, hours):
    assert _one(opened, resolved, unit="working_hours") == pytest.approx(hours)


def test_holidays_are_not_worked():
    # Monday 2026-04-27 is the day off for Giỗ Tổ Hùng Vương (Sunday 26 April).
    calendar = WorkingCalendar(holidays=[date(2026, 4, 27), "2026-04-30", datetime(2026, 5, 1, 0, 0)])
    assert _one("2026-04-24 16:00", "2026-04-28 09:00", unit="working_hours", calendar=calendar) == 2.5
    assert _one("2026-04-27 09:00", "2026-04-27 15:00", unit="working_hours", calendar=calendar) == 0.0
    assert _one("2026-04-29 17:00", "2026-05-04 08:30", unit="working_hours", calendar=calendar) == 1.0
    assert calendar.holidays == (date(2026, 4, 27), date(2026, 4, 30), date(2026, 5, 1))


def test_a_six_day_single_shift_calendar():
    calendar = WorkingCalendar(weekmask="Mon Tue Wed Thu Fri Sat", hours=[("07:30", "16:30")])
    assert calendar.weekmask == "1111110" and calendar.hours == ((time(7, 30), time(16, 30)),)
    # 16:00–16:30 Friday, 9 hours on Saturday, 7:30–9:00 on Monday
    assert _one("2026-01-09 16:00", "2026-01-12 09:00", unit="working_hours", calendar=calendar) == 11.0
    assert _one("2026-01-09 16:00", "2026-01-12 09:00", unit="working_days", calendar=calendar) == pytest.approx(11 / 9)


def _brute_working_hours(opened: datetime, resolved: datetime, calendar: WorkingCalendar) -> float:
    total, day = 0.0, opened.date()
    while day <= resolved.date():
        if calendar.weekmask[day.weekday()] == "1" and day not in calendar.holidays:
            for start, end in calendar.hours:
                overlap = min(datetime.combine(day, end), resolved) - max(datetime.combine(day, start), opened)
                total += max(overlap.total_seconds(), 0)
        day += timedelta(days=1)
    return total / 3600


VIETNAM_2026 = WorkingCalendar(holidays=[date(2026, 1, 1), *(date(2026, 2, d) for d in range(16, 21))])
moments = st.datetimes(min_value=datetime(2025, 12, 20), max_value=datetime(2026, 3, 1))
tickets = st.lists(st.tuples(moments, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=12))), min_size=1,
                   max_size=8)


@settings(max_examples=60, deadline=None)
@given(tickets)
def test_working_hours_match_counting_day_by_day(pairs):
    opened = [o for o, _ in pairs]
    resolved = [o + d for o, d in pairs]
    expected = np.mean([_brute_working_hours(o, r, VIETNAM_2026) for o, r in zip(opened, resolved)])
    result = ttr(opened, resolved, unit="working_hours", calendar=VIETNAM_2026)
    assert result.value == pytest.approx(expected, abs=1e-6)


def test_unresolved_tickets_are_counted_not_averaged():
    result = ttr(
        ["2026-01-12 08:00", "2026-01-12 09:00", "2026-01-12 10:00", ""],
        ["2026-01-12 10:00", "2026-01-12 13:00", "", ""],  # the last row is not a ticket at all
    )
    assert (result.value, result.n, result.resolved, result.unresolved) == (3.0, 2, 2, 1)
    half = stats.t.ppf(0.975, 1) * math.sqrt(2) / math.sqrt(2)
    assert (result.low, result.high) == pytest.approx((0, 3 + half))  # clipped at zero
    assert str(result) == "TTR 3,00 hours (95% CI 0,00 … " + f"{3 + half:.2f}".replace(".", ",") + ", n = 2 resolved, 1 unresolved)"


def test_ttr_takes_datetimes_and_keeps_the_wall_clock_of_aware_times():
    opened = pd.Series(pd.to_datetime(["2026-01-09 16:00"])).dt.tz_localize("Asia/Ho_Chi_Minh")
    resolved = pd.Series(pd.to_datetime(["2026-01-12 09:00"])).dt.tz_localize("Asia/Ho_Chi_Minh")
    assert ttr(opened, resolved, unit="working_hours").value == 2.5
    assert ttr([datetime(2026, 1, 9, 16)], [datetime(2026, 1, 12, 9)], unit="working_hours").value == 2.5
    assert _one("2026-01-09T16:00:00+07:00", "2026-01-12T09:00:00+07:00", unit="working_hours") == 2.5


def test_ttr_errors_list_the_tickets():
    with pytest.raises(DataError) as error:
        ttr(["2026-01-12 10:00", "hôm qua", "", "2026-01-12 08:00"],
            ["2026-01-12 09:00", "2026-01-12 09:00", "2026-01-12 09:00", "31/01/2026"])
    message = str(error.value)
    assert "resolved: 1 ticket was resolved before being opened" in message
    assert "index 0: opened '2026-01-12 10:00', resolved '2026-01-12 09:00'" in message
    assert "opened: 1 unreadable date-time (allowed: ISO 8601" in message and "index 1: 'hôm qua'" in message
    assert "opened: blank for 1 resolved ticket" in message and "index 2: resolved '2026-01-12 09:00'" in message
    assert "resolved: 1 unreadable date-time" in message and "index 3: '31/01/2026'" in message
    result = ttr(["2026-01-12 10:00", "2026-01-12 08:00"], ["2026-01-12 09:00", "2026-01-12 09:00"], skip_invalid=True)
    assert (result.value, result.n, result.skipped) == (1.0, 1, 1)


def test_ttr_without_resolved_tickets_is_an_error():
    with pytest.raises(DataError, match=r"no resolved ticket to measure: 2 tickets unresolved"):
        ttr(["2026-01-12 10:00", "2026-01-12 11:00"], ["", None])


def test_offsets_are_kept_and_working_hours_need_one_zone():
    # Several offsets in one column: clock hours are measured in UTC, so they count.
    result = ttr(["2026-01-12T10:00+07:00", "2026-01-12T10:00+00:00"], ["2026-01-12T04:00Z", "2026-01-12T18:00+07:00"])
    assert (result.value, result.n) == (1.0, 2)
    # Working hours are counted on one office clock: several zones cannot be put on it.
    with pytest.raises(DataError, match=r"working hours are counted on the office's clock, but opened and resolved "
                                        r"use 2 time zones \(\+00:00, \+07:00\)"):
        ttr(["2026-01-12T10:00+07:00", "2026-01-12T10:00+00:00"], ["", ""], unit="working_hours")


def test_bad_ttr_options():
    with pytest.raises(ValueError, match=r"unit must be one of 'hours', 'working_hours', 'working_days'; got 'days'"):
        _one("2026-01-12 10:00", "2026-01-12 11:00", unit="days")
    with pytest.raises(ValueError, match=r"calendar is used only with unit='working_hours' or 'working_days'"):
        _one("2026-01-12 10:00", "2026-01-12 11:00", calendar=WorkingCalendar())
    with pytest.raises(ValueError, match="one value per ticket; got 2 and 1"):
        ttr(["2026-01-12 10:00", "2026-01-12 10:00"], ["2026-01-12 11:00"])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"weekmask": "Mon Tue Thứ Hai"}, r"weekmask must be seven 0/1 digits .* got 'Mon Tue Thứ Hai'"),
        ({"weekmask": "11111"}, r"weekmask must be .*got '11111'"),
        ({"weekmask": "0000000"}, "at least one working day"),
        ({"hours": [("08:00", "12:00"), ("11:00", "13:00")]}, r"in order and not overlap; 11:00–13:00 starts before"),
        ({"hours": [("13:30", "17:30"), ("08:00", "12:00")]}, r"in order and not overlap"),
        ({"hours": [("17:00", "08:00")]}, r"end after it starts, within one day; got 17:00–08:00"),
        ({"hours": [("08:00", "24:00")]}, r"'HH:MM' text from 00:00 to 23:59; got '24:00'"),
        ({"hours": []}, "at least one interval"),
        ({"holidays": ["30/04/2026"]}, r"'30/04/2026' is not an ISO date"),
        ({"holidays": [20260430]}, r"holidays must hold datetime.date.*got 20260430"),
    ],
)
def test_calendar_validation(options, message):
    with pytest.raises(ValueError, match=message):
        WorkingCalendar(**options)


@pytest.mark.parametrize(("options", "message"), [
    ({"holidays": "2026-01-01"}, "holidays must be an iterable of dates"),
    ({"weekmask": 1111100}, "weekmask must be text"),
    ({"hours": "08:00-17:00"}, "hours must be a sequence of"),
])
def test_calendar_arguments_of_the_wrong_type_are_type_errors(options, message):
    with pytest.raises(TypeError, match=message):
        WorkingCalendar(**options)


def test_calendar_accepts_holiday_dates_of_any_kind_and_touching_intervals():
    calendar = WorkingCalendar(
        weekmask="1111100",
        hours=[(time(8), time(12)), (time(12), time(16))],
        holidays={date(2026, 9, 2): "Quốc khánh", np.datetime64("2026-09-01"): "Quốc khánh"},
    )
    assert calendar.hours_per_day == 8 and calendar.holidays == (date(2026, 9, 1), date(2026, 9, 2))
    same = WorkingCalendar(hours=[("8:00", "12:00"), ("12:00", "16:00")], holidays=["2026-09-02", "2026-09-01"])
    assert calendar == same


# -- tables -----------------------------------------------------------------------------------------
SURVEY = """\
touchpoint,kênh,nps,csat,ces
gio_hang,Ứng dụng,10,5,6
gio_hang,Ứng dụng,6,2,2
gio_hang,Tổng đài,9,4,
nhan_hang,Tổng đài,3,4,5
nhan_hang,Ứng dụng,,5,7
livestream,Ứng dụng,8,,
"""


def test_one_row_for_everything_from_a_csv_with_bom(tmp_path):
    table = survey_metrics(_write_csv(tmp_path / "khảo_sát.csv", SURVEY))
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["nps"], row["nps_n"]) == (0.0, 5)  # 2 promoters, 1 passive, 2 detractors
    assert (row["csat"], row["csat_n"]) == (80.0, 5)
    assert (row["ces"], row["ces_n"]) == (5.0, 4)
    assert list(table.columns) == [f"{m}{s}" for m in ("nps", "csat", "ces") for s in ("", "_low", "_high", "_n")]
    assert table.attrs["skipped"] == {"nps": 0, "csat": 0, "ces": 0}


def test_by_touchpoint_from_a_dataframe_with_journey_order():
    frame = pd.read_csv(pd.io.common.StringIO(SURVEY), dtype=str, keep_default_na=False)
    plain = survey_metrics(frame, by="touchpoint")
    assert plain["touchpoint"].tolist() == ["gio_hang", "livestream", "nhan_hang"]
    ordered = survey_metrics(frame, by="touchpoint", journey=_shop())
    assert ordered["touchpoint"].tolist() == ["livestream", "gio_hang", "nhan_hang"]
    gio_hang = ordered.set_index("touchpoint").loc["gio_hang"]
    assert gio_hang["nps"] == pytest.approx(100 / 3) and gio_hang["nps_n"] == 3
    assert gio_hang["csat"] == pytest.approx(200 / 3) and gio_hang["ces"] == 4.0 and gio_hang["ces_n"] == 2
    livestream = ordered.set_index("touchpoint").loc["livestream"]
    assert livestream["csat_n"] == 0 and math.isnan(livestream["csat"]) and math.isnan(livestream["csat_low"])


def test_by_stage_maps_touchpoints_through_the_journey_in_stage_order(tmp_path):
    journey = _shop()
    table = survey_metrics(_write_csv(tmp_path / "survey.csv", SURVEY), by="stage", journey=journey)
    stages = {n: a["stage"] for n, a in journey.graph.nodes(data=True)}
    expected = [s for s in journey.stages if s in {stages["livestream"], stages["gio_hang"], stages["nhan_hang"]}]
    assert table["stage"].tolist() == expected
    assert table.set_index("stage").loc[stages["gio_hang"], "nps_n"] == 3


def test_by_stage_needs_a_journey_when_there_is_no_stage_column(tmp_path):
    with pytest.raises(DataError, match=r"no 'stage' column to group by; pass journey= .*'touchpoint', 'kênh'"):
        survey_metrics(_write_csv(tmp_path / "survey.csv", SURVEY), by="stage")


def test_by_stage_with_touchpoints_the_journey_lacks(tmp_path):
    path = _write_csv(tmp_path / "survey.csv", SURVEY + "thanh_toan_vi,Ứng dụng,9,5,7\n")
    with pytest.raises(DataError) as error:
        survey_metrics(path, by="stage", journey=_shop())
    message = str(error.value)
    assert "does not have, so their stage is unknown ('thanh_toan_vi'): row 8: 'thanh_toan_vi'" in message
    assert "touchpoint ids: livestream, tim_kiem_app" in message


def test_by_a_stage_column_and_by_several_columns_keep_vietnamese_text():
    frame = pd.DataFrame(
        {"stage": ["Đặt hàng", "Giao hàng", "Đặt hàng"], "kênh": ["Ứng dụng", "Tổng đài", "Tổng đài"],
         "nps": [10, 0, 9]}
    )
    by_stage = survey_metrics(frame, by="stage")
    assert by_stage["stage"].tolist() == ["Giao hàng", "Đặt hàng"]  # no journey: sorted
    both = survey_metrics(frame, by=["stage", "kênh"])
    assert both[["stage", "kênh", "nps"]].values.tolist() == [
        ["Giao hàng", "Tổng đài", -100.0], ["Đặt hàng", "Tổng đài", 100.0], ["Đặt hàng", "Ứng dụng", 100.0]
    ]


def test_by_another_column_from_a_file(tmp_path):
    table = survey_metrics(_write_csv(tmp_path / "survey.csv", SURVEY), by="kênh")
    assert table["kênh"].tolist() == ["Tổng đài", "Ứng dụng"]
    assert table["nps_n"].tolist() == [2, 3]


def test_missing_group_column(tmp_path):
    with pytest.raises(DataError, match=r"survey.csv: no column 'channel' to group by; the columns are: 'touchpoint'"):
        survey_metrics(_write_csv(tmp_path / "survey.csv", SURVEY), by="channel")
    with pytest.raises(ValueError, match="by must be a column name"):
        survey_metrics(pd.DataFrame({"nps": [9]}), by=[])


def test_file_errors_name_spreadsheet_rows(tmp_path):
    path = _write_csv(tmp_path / "survey.csv", "touchpoint,nps,csat,ces\ngio_hang,9,5,7\ngio_hang,11,5,0\nx,abc,6,7\n")
    with pytest.raises(DataError) as error:
        survey_metrics(path)
    message = str(error.value)
    assert message.startswith(f"{path}: invalid values (pass skip_invalid=True")
    assert "column 'nps': 2 invalid values (allowed: whole numbers 0–10, or blank): row 3: '11', row 4: 'abc'" \
        in message
    assert "column 'csat': 1 invalid value (allowed: whole numbers 1–5, or blank): row 4: '6'" in message
    assert "column 'ces': 1 invalid value (allowed: whole numbers 1–7, or blank): row 3: '0'" in message


def test_dataframe_errors_name_index_labels():
    frame = pd.DataFrame({"nps": [9, 12]}, index=["R001", "R002"])
    with pytest.raises(DataError, match=r"column 'nps': 1 invalid value .*: index 'R002': 12"):
        survey_metrics(frame)


def test_skip_invalid_in_tables_counts_per_metric_and_group(tmp_path):
    path = _write_csv(tmp_path / "survey.csv", "touchpoint,nps,csat\na,9,5\na,11,5\nb,abc,6\nb,,4\n")
    table = survey_metrics(path, by="touchpoint", skip_invalid=True)
    assert table.attrs["skipped"] == {"nps": 2, "csat": 1}
    assert table["nps_skipped"].tolist() == [1, 1] and table["csat_skipped"].tolist() == [0, 1]
    assert table["nps_n"].tolist() == [1, 0] and table["csat_n"].tolist() == [2, 1]
    assert "nps_skipped" not in survey_metrics(pd.DataFrame({"nps": [9]})).columns


def test_no_metric_column_names_expected_and_existing_columns():
    with pytest.raises(DataError, match=r"expected at least one of 'nps', 'csat', 'ces', or both 'opened_at' and "
                                        r"'resolved_at'; the columns are: 'điểm', 'touchpoint'"):
        survey_metrics(pd.DataFrame({"điểm": [9], "touchpoint": ["a"]}))
    with pytest.raises(DataError, match=r"no column 'resolved_at' to go with 'opened_at'"):
        survey_metrics(pd.DataFrame({"opened_at": ["2026-01-05 08:00"]}))


def test_column_names_are_keywords():
    frame = pd.DataFrame({"diem_nps": [10, 0], "hai_long": [5, 5], "diem_tap": ["Hà Nội", "Huế"]})
    table = survey_metrics(frame, nps_column="diem_nps", csat_column="hai_long", by="diem_tap")
    assert table.set_index("diem_tap")["nps"].to_dict() == {"Huế": -100.0, "Hà Nội": 100.0}


TICKETS = """\
ticket_id,touchpoint,opened_at,resolved_at,kênh
T1,chat_cskh,2026-01-09T16:00:00,2026-01-12T09:00:00,Chat
T2,chat_cskh,2026-01-12 11:00,2026-01-12 14:30,Chat
T3,chat_cskh,2026-01-12 15:00,,Tổng đài
T4,yeu_cau_tra,2026-01-12 08:00,2026-01-13 08:00,Ứng dụng
"""


def test_tickets_table_in_working_hours(tmp_path):
    path = _write_csv(tmp_path / "tickets.csv", TICKETS)
    table = survey_metrics(path, by="touchpoint", ttr_unit="working_hours")
    assert list(table.columns) == [
        "touchpoint", "ttr_working_hours", "ttr_working_hours_low", "ttr_working_hours_high", "resolved", "unresolved"
    ]
    rows = table.set_index("touchpoint")
    assert rows.loc["chat_cskh", "ttr_working_hours"] == 2.25  # (2.5 + 2) / 2
    assert (rows.loc["chat_cskh", "resolved"], rows.loc["chat_cskh", "unresolved"]) == (2, 1)
    assert rows.loc["yeu_cau_tra", "ttr_working_hours"] == 8.0
    clock = survey_metrics(path, ttr_unit="hours").iloc[0]
    assert clock["ttr_hours"] == pytest.approx((65 + 3.5 + 24) / 3)
    days = survey_metrics(path, ttr_unit="working_days", calendar=WorkingCalendar(holidays=["2026-01-12"]))
    assert days["ttr_working_days"].iloc[0] == pytest.approx((1.5 / 8 + 0 + 0) / 3)  # T4 ends at 8:00 on the 13th


def test_tickets_resolved_before_opened_in_a_file(tmp_path):
    path = _write_csv(tmp_path / "tickets.csv", TICKETS + "T5,chat_cskh,2026-01-14 10:00,2026-01-14 09:00,Chat\n")
    with pytest.raises(DataError, match=r"column 'resolved_at': 1 ticket was resolved before being opened \(allowed: "
                                        r"blank for unresolved, or not before column 'opened_at'\): row 6: opened"):
        survey_metrics(path)
    table = survey_metrics(path, skip_invalid=True)
    assert table.attrs["skipped"] == {"ttr": 1} and table["ttr_skipped"].tolist() == [1]


def test_survey_and_ticket_columns_in_one_table():
    frame = pd.DataFrame({
        "nps": [10, None, 0],
        "opened_at": [None, "2026-01-12 08:00", None],
        "resolved_at": [None, "2026-01-12 10:00", None],
    })
    row = survey_metrics(frame).iloc[0]
    assert (row["nps"], row["nps_n"], row["ttr_hours"], row["resolved"], row["unresolved"]) == (0.0, 2, 2.0, 1, 0)


def test_bad_parameters_of_survey_metrics():
    frame = pd.DataFrame({"nps": [9]})
    with pytest.raises(ValueError, match=r"ttr_unit must be one of 'hours', 'working_hours', 'working_days'; got "):
        survey_metrics(frame, ttr_unit="ngày")
    with pytest.raises(ValueError, match="calendar is used only with ttr_unit="):
        survey_metrics(frame, calendar=WorkingCalendar())
    with pytest.raises(TypeError, match="data must be a pandas DataFrame or the path of a .csv, .tsv, .xlsx or .jsonl file; got list"):
        survey_metrics([9, 10])
    with pytest.raises(DataError, match="no rows"):
        survey_metrics(pd.DataFrame({"nps": []}))


def test_a_large_survey_is_vectorised():
    rng = np.random.default_rng(7)
    n = 200_000
    frame = pd.DataFrame({
        "touchpoint": rng.choice(["a", "b", "c"], n),
        "nps": rng.integers(0, 11, n).astype(str),
        "ces": rng.integers(1, 8, n),
    })
    table = survey_metrics(frame, by="touchpoint")
    scores = frame["nps"].astype(int)
    a = scores[frame["touchpoint"] == "a"]
    expected = 100 * ((a >= 9).mean() - (a <= 6).mean())
    assert table.loc[0, "nps"] == pytest.approx(expected) and table["nps_n"].sum() == n


# -- set_metrics ------------------------------------------------------------------------------------
def test_set_metrics_on_a_sample_journey_then_validate_and_save():
    journey = _shop()
    answers = pd.DataFrame({
        "touchpoint": ["gio_hang", "gio_hang", "gio_hang", "livestream"],
        "nps": [10, 6, 9, 10],
        "csat": [5, 2, 4, None],
        "ces": [6, 2, 5, 7],
    })
    survey = survey_metrics(answers, by="touchpoint")
    tickets = survey_metrics(
        pd.DataFrame({"touchpoint": ["chat_cskh"] * 2, "opened_at": ["2026-01-12 08:00"] * 2,
                      "resolved_at": ["2026-01-12 10:20", ""]}),
        by="touchpoint",
    )
    set_metrics(journey, survey)
    set_metrics(journey, tickets)
    assert journey.graph.nodes["gio_hang"]["metrics"] == {
        "nps": 33.3, "nps_n": 3, "csat": 66.7, "csat_n": 3, "ces": 4.33, "ces_n": 3
    }
    # livestream had csat 78 from the designed file: no answer here, so it stays
    assert journey.graph.nodes["livestream"]["metrics"] == {
        "csat": 78, "nps": 100.0, "nps_n": 1, "ces": 7.0, "ces_n": 1
    }
    assert journey.graph.nodes["chat_cskh"]["metrics"] == {
        "csat": 42, "nps": -35, "ttr_hours": 2.33, "ttr_resolved": 1, "ttr_unresolved": 1
    }
    journey.validate()
    text = dumps_journey(journey)
    assert "Giỏ hàng & áp mã giảm giá" in text
    again = loads_journey(text)
    assert again.touchpoint("gio_hang").metrics.nps == 33.3
    assert again.graph.nodes["chat_cskh"]["metrics"]["ttr_unresolved"] == 1
    counts = again.touchpoint("gio_hang").metrics.model_dump(exclude_none=True)
    assert counts["nps_n"] == 3 and isinstance(counts["nps_n"], int)  # a count reads back as a count


def test_set_metrics_rejects_unknown_and_repeated_touchpoints_writing_nothing():
    journey = _shop()
    before = dict(journey.graph.nodes["livestream"]["metrics"])
    table = pd.DataFrame({"touchpoint": ["livestream", "quay_le_tan", "livestream_tiktok"], "nps": [1.0, 2.0, 3.0]})
    with pytest.raises(DataError) as error:
        set_metrics(journey, table)
    message = str(error.value)
    assert "'touchpoint' names touchpoints that journey 'Mua hàng trên sàn" in message
    assert "index 1: 'quay_le_tan', index 2: 'livestream_tiktok'" in message
    assert "touchpoint ids: livestream, tim_kiem_app" in message
    assert journey.graph.nodes["livestream"]["metrics"] == before
    with pytest.raises(DataError, match=r"name each touchpoint once .*index 0: 'gio_hang', index 1: 'gio_hang'"):
        set_metrics(journey, pd.DataFrame({"touchpoint": ["gio_hang", "gio_hang"], "nps": [1.0, 2.0]}))


def test_set_metrics_needs_a_touchpoint_and_a_metric_column_and_valid_values():
    journey = _shop()
    with pytest.raises(DataError, match=r"no 'touchpoint' column of touchpoint ids; its columns: 'stage', 'nps'"):
        set_metrics(journey, pd.DataFrame({"stage": ["Khám phá"], "nps": [1.0]}))
    with pytest.raises(DataError, match=r"no metric column \('nps', 'csat', 'ces', 'ttr_hours'"):
        set_metrics(journey, pd.DataFrame({"touchpoint": ["gio_hang"], "điểm": [1.0]}))
    with pytest.raises(DataError, match=r"index 0 \(touchpoint 'gio_hang'\): ces: .*less than or equal to 7"):
        set_metrics(journey, pd.DataFrame({"touchpoint": ["gio_hang"], "ces": [9.0]}))
    assert "metrics" not in journey.graph.nodes["gio_hang"]


def test_set_metrics_with_a_custom_touchpoint_column_and_working_hours():
    journey = _shop()
    table = pd.DataFrame(
        {"diem_cham": ["yeu_cau_tra"], "ttr_working_hours": [12.345], "resolved": [4], "unresolved": [0]}
    )
    set_metrics(journey, table, touchpoint_column="diem_cham")
    assert journey.graph.nodes["yeu_cau_tra"]["metrics"] == {
        "ttr_working_hours": 12.35, "ttr_resolved": 4, "ttr_unresolved": 0
    }
    journey.validate()
