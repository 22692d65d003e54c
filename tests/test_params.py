"""Planning parameters: defaults, TOML loading and validation."""

from __future__ import annotations

import pytest

from planner.errors import ParameterError
from planner.params import PlanningParams, load_params


def test_defaults_are_valid():
    """The documented defaults load without a file."""
    params = load_params()
    assert params == PlanningParams()
    assert params.service.turnout_rate == 0.6
    assert params.shift.day_end == "15:30"


def test_toml_overrides_defaults(tmp_path):
    """Values in the TOML file replace defaults; the rest stay."""
    path = tmp_path / "p.toml"
    path.write_text('[travel]\nspeed_rural_kmh = 40\n[shift]\nworkdays = [1,2,3,4,5,6]\n'
                    '[service.turnout_by_type]\nisland = 0.4\n')
    params = load_params(path)
    assert params.travel.speed_rural_kmh == 40.0
    assert params.shift.workdays == (1, 2, 3, 4, 5, 6)
    assert params.service.turnout_by_type == {"island": 0.4}
    assert params.travel.boat_speed_kmh == 15.0


@pytest.mark.parametrize(("toml", "column"), [
    ("[travel]\nspeed_rural_kmh = -5\n", "travel.speed_rural_kmh"),
    ("[travel]\nboat_speed_kmh = 0\n", "travel.boat_speed_kmh"),
    ("[shift]\nworkdays = []\n", "shift.workdays"),
    ("[shift]\nday_start = '16:00'\nday_end = '08:00'\n", "shift.day_end"),
    ("[service]\nturnout_rate = 1.5\n", "service.turnout_rate"),
    ("[service.turnout_by_type]\nmountain = 0.5\n", "service.turnout_by_type.mountain"),
    ("[scoring]\nw_island = -1\n", "scoring.w_island"),
    ("[solver]\ntime_limit_s = 0\n", "solver.time_limit_s"),
    ("[travle]\nspeed = 3\n", "travle"),
])
def test_bad_values_are_refused_with_the_parameter_named(tmp_path, toml, column):
    """Each invalid value is reported under its dotted parameter name."""
    path = tmp_path / "p.toml"
    path.write_text(toml)
    with pytest.raises(ParameterError) as err:
        load_params(path)
    assert [p.column for p in err.value.problems] == [column]


def test_all_problems_reported_at_once(tmp_path):
    """Several bad values give one error listing each of them."""
    path = tmp_path / "p.toml"
    path.write_text("[travel]\nspeed_urban_kmh = 0\nspeed_hilly_kmh = -1\n")
    with pytest.raises(ParameterError) as err:
        load_params(path)
    assert len(err.value.problems) == 2
    assert "speed must be above 0" in str(err.value)


def test_broken_toml_is_a_parameter_error(tmp_path):
    """A file that is not TOML gives a clear error, not a traceback."""
    path = tmp_path / "p.toml"
    path.write_text("[travel\n")
    with pytest.raises(ParameterError, match="TOML"):
        load_params(path)
