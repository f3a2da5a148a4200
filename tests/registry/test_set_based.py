"""Status and imports are set-based: the number of SQL statements does not grow with the population."""

from __future__ import annotations

import contextlib

from sqlalchemy import event

from .conftest import ENTERPRISES, TODAY
from .filemaker import PEOPLE_HEADER, people_rows, write_file


@contextlib.contextmanager
def count_statements(engine):
    seen: list[str] = []

    def on_execute(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)


def test_status_takes_the_same_few_statements_for_4_or_4000_people(loaded, tmp_path):
    with count_statements(loaded.engine) as small:
        loaded.status(round_id="2026-safety", today=TODAY)
    loaded.import_file("people", write_file(tmp_path / "p.csv", PEOPLE_HEADER,
                                            people_rows(4000, uscc=ENTERPRISES[0][0], start=100)))
    with count_statements(loaded.engine) as large:
        frame = loaded.status(round_id="2026-safety", today=TODAY)
    assert len(frame) == 4002
    assert len(large) == len(small) <= 5


def test_an_import_of_4000_rows_uses_chunked_statements_not_one_per_row(loaded, tmp_path):
    path = write_file(tmp_path / "p.csv", PEOPLE_HEADER, people_rows(4000, uscc=ENTERPRISES[0][0], start=100))
    with count_statements(loaded.engine) as seen:
        loaded.import_file("people", path)
    assert len(seen) < 40
