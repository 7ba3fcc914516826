"""The documented open-data examples match what the export writes."""

import csv
import io
import json
from pathlib import Path

from civic.petitions import lifecycle, opendata, services

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"

# The national schema «Дані про електронні петиції» (draft annex 34 to Cabinet Resolution 835),
# written out here, not read back from the code, so a renamed or reordered field fails.
NATIONAL_HEADER = [
    "uid",
    "kind",
    "title",
    "url",
    "text",
    "authorityName",
    "authorityId",
    "authorityCattutc",
    "startDate",
    "count",
    "creator",
    "status",
    "answerDate",
    "answerUrl",
    "answerText",
]


def test_json_example_has_exactly_the_schema_fields():
    rows = json.loads((EXAMPLES / "petitions.json").read_text(encoding="utf-8"))
    assert rows
    for row in rows:
        assert list(row) == NATIONAL_HEADER
        assert isinstance(row["count"], int)
        assert row["status"] in lifecycle.OPEN_DATA_STATUS.values()


def test_csv_example_is_utf8_bom_with_the_same_header():
    data = (EXAMPLES / "petitions.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == NATIONAL_HEADER
    assert all(len(r) == len(NATIONAL_HEADER) for r in table[1:])


def test_export_of_a_live_petition_matches_the_example_shape(make_petition):
    make_petition("collecting", on=services.today_kyiv(), signatures=1)
    example = json.loads((EXAMPLES / "petitions.json").read_text(encoding="utf-8"))[0]
    row = opendata.export_rows(today=services.today_kyiv())[0]
    assert list(row) == list(example)
    assert {k: type(v) for k, v in row.items() if v is not None and example[k] is not None} == {
        k: type(v) for k, v in example.items() if v is not None and row[k] is not None
    }
