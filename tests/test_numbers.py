"""Numbers in Indonesian text: 1.687 and 3,25, the same in the CLI, the PDF and WhatsApp."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from planner.exports import plan_to_gpx, plan_to_ics, plan_to_kml, route_sheet_pdf, whatsapp_text
from planner.limits import number_en, number_id
from planner.numbers import format_km, format_number, format_percent, format_short
from planner.params import PlanningParams
from planner.plan import Plan, decode_plan, plan_summary_text
from planner.problem import build_problem
from planner.scoring import VillageScore
from planner.solution import Solution, SolveStatus
from tests.factories import (
    REGENCY,
    harbours_frame,
    make_team,
    make_village,
    offices_frame,
    teams_frame,
    villages_frame,
)

MONDAY = "2026-11-30"


@pytest.mark.parametrize(("value", "digits", "text"), [
    (1687, 0, "1.687"), (3.25, 2, "3,25"), (1234567.891, 1, "1.234.567,9"), (0, 0, "0"),
    (-1500, 0, "-1.500"), (2.5, 0, "2"), (3.5, 0, "4"), (Decimal("0.125"), 2, "0,12"),
    (None, 0, "–"), (float("nan"), 2, "–"), ("abc", 0, "–"),
])
def test_indonesian_examples(value: object, digits: int, text: str) -> None:
    """A dot groups thousands, a comma marks decimals; halves round to even; unknown is a dash."""
    assert format_number(value, digits) == text  # type: ignore[arg-type]


def test_english_keeps_english_marks() -> None:
    """The English pages read 1,687 and 3.25."""
    assert format_number(1687, locale="en") == "1,687"
    assert format_number(3.25, 2, locale="en") == "3.25"


@given(st.decimals(min_value=-10**9, max_value=10**9, places=3, allow_nan=False,
                   allow_infinity=False), st.integers(min_value=0, max_value=3),
       st.sampled_from(["id", "en"]))
def test_same_text_as_babel(value: Decimal, digits: int, locale: str) -> None:
    """The text equals Babel's CLDR formatting of the same number for the locale."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    assert format_number(value, digits, locale=locale) == format_decimal(
        value, format=pattern, locale=locale)


def test_percent_and_km() -> None:
    """Shares and distances carry the same marks."""
    assert format_percent(0.125, 1) == "12,5%"
    assert format_percent(0.33) == "33%"
    assert format_km(1_687_400) == "1.687 km"


def test_short_factors_drop_trailing_zeros() -> None:
    """Weights read 1,5 and 0,25 and 2, as ``:g`` would print them in English."""
    assert [format_short(w) for w in (1.5, 0.25, 2.125, 2.0, 10, 100)] == [
        "1,5", "0,25", "2,125", "2", "10", "100"]
    assert format_short(1.5, locale="en") == "1.5"


def test_priority_explanation_writes_indonesian_numbers() -> None:
    """The village's priority explanation (review page) reads 1.687 and 1,5."""
    score = VillageScore(village_code="36.90.01.2001", belum_rekam=1687, turnout_type="island",
                         turnout_rate=0.5, expected_recordings=844, weight=1.5,
                         weight_terms=(("island", 0.5),))
    text = score.explain_id()
    assert text.startswith("1.687 belum rekam x kehadiran 50% (island) = 844 perkiraan rekam")
    assert text.endswith("bobot = 1 + 0,5 (pulau) = 1,5")


def test_limits_messages_use_the_same_numbers() -> None:
    """The upload limits' messages print numbers the same way."""
    assert number_id(50000) == "50.000"
    assert number_en(50000) == "50,000"


@pytest.fixture(scope="module")
def big_plan() -> Plan:
    """One team-day at one village whose expected turnout is shown as 1.687."""
    villages = villages_frame(make_village("36.90.01.2001", stop_lon=106.02, desa="Sukamaju"))
    built = build_problem(villages, teams=teams_frame(make_team("a")), offices=offices_frame(),
                          harbours=harbours_frame(), regency=REGENCY,
                          week_start=date(2026, 11, 30), params=PlanningParams())
    routes: list[tuple[int, ...]] = [() for _ in built.instance.vehicles]
    ids = [v.vehicle_id for v in built.instance.vehicles]
    routes[ids.index(f"a@{MONDAY}")] = (0,)
    plan = decode_plan(built.instance, Solution(routes=tuple(routes),
                                                status=SolveStatus.FEASIBLE), built=built)
    # the figure printed is the plan's: make it one that needs a thousands mark
    route = next(r for r in plan.routes if r.stops)
    stop = replace(route.stops[0], expected_recordings=1687)
    big = replace(route, stops=(stop,), expected_recordings=1687)
    return replace(plan, routes=tuple(big if r is route else r for r in plan.routes))


def test_whatsapp_text_writes_indonesian_numbers(big_plan: Plan) -> None:
    """The WhatsApp message reads "perkiraan 1.687 orang", not 1687."""
    text = whatsapp_text(big_plan, "a", MONDAY)
    assert "perkiraan 1.687 orang" in text
    assert "1687" not in text


def test_route_sheet_writes_indonesian_numbers(big_plan: Plan) -> None:
    """The printed route sheet shows 1.687 for the stop and the day's total."""
    reader = pypdf.PdfReader(io.BytesIO(route_sheet_pdf(big_plan, "a")))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(re.findall(r"1\.687", text)) == 2
    assert "1687" not in text


def test_calendar_and_map_exports_write_indonesian_numbers(big_plan: Plan) -> None:
    """ICS, GPX and KML descriptions carry 1.687 too."""
    calendar = Calendar.from_ical(plan_to_ics(big_plan, "a"))
    assert any("1.687 orang" in str(e["DESCRIPTION"]) for e in calendar.walk("VEVENT"))
    assert "1.687 orang" in plan_to_gpx(big_plan, "a")
    assert "1.687 orang" in plan_to_kml(big_plan, "a")


def test_cli_summary_writes_indonesian_numbers(big_plan: Plan) -> None:
    """The CLI summary prints 1.687 recordings."""
    text = plan_summary_text(big_plan)
    assert "perkiraan rekam 1.687" in text
    assert "1687" not in text
    province = replace(big_plan, summary={**big_plan.summary, "team_days_used": 1000,
                                          "team_days": 1250, "island_villages_visited": 1200,
                                          "island_villages_with_backlog": 4321,
                                          "island_recordings_share": 0.5})
    text = plan_summary_text(province)
    assert "hari-tim terpakai 1.000/1.250" in text
    assert "desa pulau: 1.200 dari 4.321 dikunjungi; 50%" in text
