"""JSON: Briefing.to_dict as written, valid against the schema, and read back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from briefing.errors import InputError
from briefing.types import Briefing
from briefing.write import write_briefing
from briefing.write.jsonfile import load_briefing, to_json

SCHEMA = Path(__file__).parents[2] / "briefing" / "schema" / "briefing.schema.json"


def test_round_trip_through_from_dict(briefing):
    text = to_json(briefing)
    assert "Press TV" in text and "\\u" not in text  # ensure_ascii=False, indent 2
    assert text.startswith('{\n  "schema_version": "1.0"')
    assert Briefing.from_dict(json.loads(text)) == briefing


def test_load_briefing_reads_what_write_briefing_wrote(briefing, tmp_path: Path):
    path = write_briefing(briefing, tmp_path / "brief.json", "json")
    assert load_briefing(path) == briefing


def test_output_matches_json_schema(briefing):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(to_json(briefing)), schema)


def test_schema_rejects_a_wrong_shape(briefing):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    data = json.loads(to_json(briefing))
    data["topics"][0]["perspectives"][0].pop("source")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON (line 1, column 2"),
        ("[1, 2]", "no schema_version"),
        ('{"schema_version": "2.0", "title": "x"}', "schema version 2.0; this briefing reads 1.x"),
        ('{"schema_version": "1.3", "topics": [{"perspectives": [{}]}]}',
         "does not match the brief format"),
    ],
)
def test_bad_files_give_one_line_input_errors(tmp_path: Path, content: str, message: str):
    path = tmp_path / "brief.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)) as info:
        load_briefing(path)
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path: Path):
    with pytest.raises(InputError, match="does not exist"):
        load_briefing(tmp_path / "nope.json")


def test_newer_minor_version_is_read(briefing, tmp_path: Path):
    data = json.loads(to_json(briefing))
    data["schema_version"] = "1.7"
    data["future_field"] = {"ignored": True}
    path = tmp_path / "b.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_briefing(path).topics == briefing.topics
