"""Readers for the files an office has: village boundaries, backlog, offices, harbours, teams.

Each reader returns a complete, normalised value plus its warnings, or raises one
:class:`~planner.errors.InputError` listing every problem of its file.
"""

from planner.io.backlog import BACKLOG_ALIASES, read_backlog
from planner.io.layers import read_neighbours, split_layer_path
from planner.io.overrides import OVERRIDE_FIELDS, read_overrides
from planner.io.sites import read_harbours, read_offices, read_teams
from planner.io.tables import Table, read_table
from planner.io.villages import VILLAGE_COLUMNS, read_villages

__all__ = [
    "BACKLOG_ALIASES",
    "OVERRIDE_FIELDS",
    "VILLAGE_COLUMNS",
    "Table",
    "read_backlog",
    "read_harbours",
    "read_neighbours",
    "read_offices",
    "read_overrides",
    "read_table",
    "read_teams",
    "read_villages",
    "split_layer_path",
]
