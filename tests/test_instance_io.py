"""The instance JSON round-trips, matches its schema, and refuses bad input by JSON path."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from planner.errors import InputError
from planner.instance_io import instance_from_dict, instance_to_dict, read_instance, write_instance

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "instance.small.json"
SCHEMA = ROOT / "planner" / "schemas" / "instance.schema.json"


@pytest.fixture
def example() -> dict[str, Any]:
    """The documented example as plain data."""
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


def test_round_trip(tmp_path: Path) -> None:
    """write_instance then read_instance gives back the same instance."""
    inst = read_instance(EXAMPLE)
    write_instance(inst, tmp_path / "x.json")
    again = read_instance(tmp_path / "x.json")
    assert instance_to_dict(again) == instance_to_dict(inst)
    assert again.visits == inst.visits
    assert again.vehicles == inst.vehicles


def test_example_matches_the_schema(example: dict[str, Any]) -> None:
    """The example validates against the JSON Schema (draft 2020-12)."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(example)


def test_written_instance_matches_the_schema(tmp_path: Path) -> None:
    """What write_instance produces is valid by the schema too."""
    jsonschema = pytest.importorskip("jsonschema")
    write_instance(read_instance(EXAMPLE), tmp_path / "x.json")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(
        json.loads((tmp_path / "x.json").read_text(encoding="utf-8")))


def _broken(example: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(example)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "column"),
    [
        (["schema_version"], "0.9", "schema_version"),
        (["visits", 0, "prize"], -1, "visits[0].prize"),
        (["visits", 1, "location"], 99, "visits[1].location"),
        (["visits", 2, "time_window_s"], [43200, 32400], "visits[2].time_window_s"),
        (["visits", 3, "pinned_vehicle"], 0, "visits[3].pinned_vehicle"),
        (["visits", 3, "allowed_vehicles"], [5], "visits[3].allowed_vehicles[0]"),
        (["vehicles", 0, "shift_end_s"], 100, "vehicles[0].shift_end_s"),
        (["vehicles", 1, "start_location"], 7, "vehicles[1].start_location"),
        (["duration_s", 1], [0, 1], "duration_s"),
        (["distance_m", 0, 1], -5, "distance_m[0][1]"),
        (["visits", 1, "visit_id"], "3604012001-1", "visits[1].visit_id"),
    ],
)
def test_bad_values_are_named_by_path(example: dict[str, Any], path: list[Any], value: Any,
                                      column: str) -> None:
    """Each invalid value raises InputError with a problem naming its JSON path."""
    with pytest.raises(InputError) as info:
        instance_from_dict(_broken(example, path, value))
    assert column in [p.column for p in info.value.problems], info.value.problems


def test_every_problem_is_listed_at_once(example: dict[str, Any]) -> None:
    """Several problems are reported together, not one per attempt."""
    data = _broken(example, ["visits", 0, "prize"], "ten")
    data = _broken(data, ["vehicles", 0, "capacity"], -3)
    with pytest.raises(InputError) as info:
        instance_from_dict(data)
    columns = {p.column for p in info.value.problems}
    assert {"visits[0].prize", "vehicles[0].capacity"} <= columns


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    """A missing file or invalid JSON is an InputError, not a crash."""
    with pytest.raises(InputError, match="file not found"):
        read_instance(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="invalid JSON"):
        read_instance(tmp_path / "bad.json")
