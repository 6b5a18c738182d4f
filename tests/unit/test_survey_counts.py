"""Survey counts a record's signal values flat (Survey.cells) and spreads them
into its tables later: the counts must be those of counting record by record,
in the same first-seen order, with the same "(other)" past MAX_VALUES values."""

from __future__ import annotations

import random
from collections import Counter, defaultdict

from mountscope.survey import CELLS_KEPT, MAX_VALUES, Record, Survey


def one_by_one(records: list[Record]) -> tuple[dict, dict]:
    """The counting as the report defines it, a record at a time."""
    values: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    hours: dict[str, Counter[str]] = defaultdict(Counter)
    for record in records:
        for name, value in record.values.items():
            table = values[name]
            if value not in table and len(table) >= MAX_VALUES:
                value = "(other)"
            table[value][record.key] += 1
        if record.time is not None:
            hours[record.time[:13]][record.key] += 1
    return values, hours


def plain(values: dict) -> list:
    """Nested counts as lists in their order (so the order is compared too)."""
    return [
        (name, [(value, list(row.items())) for value, row in table.items()])
        for name, table in values.items()
    ]


def test_cells_count_as_records_one_by_one_past_the_value_cap_and_the_flush():
    pick = random.Random(19)
    records = []
    for number in range(2 * CELLS_KEPT):
        values = {"region": pick.choice(["eu-west-1", "us-east-1"])}
        if pick.random() < 0.7:  # a signal some records lack
            values["runtime"] = f"python3.{pick.randrange(8, 14)}"
        # More distinct values than MAX_VALUES: the later ones are "(other)".
        values["kernel_release"] = f"6.1.{pick.randrange(CELLS_KEPT)}"
        when = (
            None
            if pick.random() < 0.1
            else f"2026-11-2{pick.randrange(8)}T{pick.randrange(24):02d}:00:00Z"
        )
        records.append(Record(f"f{number}", None, pick.choice("ab"), values, when))
    survey = Survey()
    for record in records:
        survey.add_record(record)
    distinct = {(r.key, item) for r in records for item in r.values.items()}
    assert len(survey.cells) < len(distinct)  # counted into the tables on the way
    survey.count_cells()
    expected_values, expected_hours = one_by_one(records)
    assert plain(survey.values) == plain(expected_values)
    assert {h: list(c.items()) for h, c in survey.hours.items()} == {
        h: list(c.items()) for h, c in expected_hours.items()
    }
    assert "(other)" in survey.values["kernel_release"]
    assert survey.captures == len(records) and not survey.cells
