"""--since: what counts as new, and `last` remembered only after a brief was written."""

from __future__ import annotations

import datetime as dt
import json
import os
import time

import pytest
from typer.testing import CliRunner

from briefing.cli import NOTHING_NEW, app
from briefing.errors import InputError
from briefing.state import is_new, last_brief, parse_since, record_brief, state_path
from briefing.types import Article

runner = CliRunner()
NOW = dt.datetime(2026, 3, 10, 7, 30).astimezone()
TEXTS = {
    "kenya.txt": "Farmers in Kenya harvested a record maize crop this season, the agriculture "
                 "ministry said. Prices fell by a third in local markets as supply rose.\n",
    "rail.txt": "The city council approved a new tram line on Monday after two years of "
                "debate. Construction is due to start next spring and last three years.\n",
    "port.txt": "Dock workers at the northern port ended a week-long strike on Friday after "
                "the operator agreed to raise wages by six percent over two years.\n",
}


def article(date: str | None = None, mtime: dt.datetime | None = None) -> Article:
    return Article("x", "x.txt", "text", date=date,
                   mtime=mtime.timestamp() if mtime else None)


def test_parse_since_forms():
    midnight = dt.datetime(2026, 3, 10).astimezone()
    assert parse_since("today", now=NOW, last=None) == midnight
    assert parse_since("Yesterday", now=NOW, last=None) == midnight - dt.timedelta(days=1)
    assert parse_since("2026-03-01", now=NOW, last=None) == dt.datetime(2026, 3, 1).astimezone()
    assert parse_since("2026-03-01T06:15:00+00:00", now=NOW, last=None) == dt.datetime(
        2026, 3, 1, 6, 15, tzinfo=dt.timezone.utc)
    assert parse_since("last", now=NOW, last=None) is None
    assert parse_since("last", now=NOW, last=NOW) == NOW
    with pytest.raises(InputError, match="yesterday"):
        parse_since("last week", now=NOW, last=None)


def test_publication_day_decides_and_the_file_time_breaks_ties():
    cutoff = dt.datetime(2026, 3, 9, 6, 0).astimezone()
    assert is_new(article("2026-03-10"), cutoff)
    assert not is_new(article("2026-03-08", mtime=NOW), cutoff)  # old news, new file
    assert is_new(article("2026-03-09", mtime=cutoff + dt.timedelta(hours=1)), cutoff)
    assert not is_new(article("2026-03-09", mtime=cutoff - dt.timedelta(hours=1)), cutoff)
    assert is_new(article(None, mtime=cutoff + dt.timedelta(seconds=1)), cutoff)
    assert not is_new(article(None, mtime=cutoff - dt.timedelta(seconds=1)), cutoff)
    assert is_new(article("2026-03-09"), cutoff)  # no way to tell: keep it
    midnight = dt.datetime(2026, 3, 9).astimezone()
    assert is_new(article("2026-03-09", mtime=NOW - dt.timedelta(days=5)), midnight)


def test_state_is_per_input_set_and_atomic(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_STATE_DIR", str(tmp_path / "state"))
    a, b = tmp_path / "a", tmp_path / "b"
    assert last_brief([a]) is None
    record_brief([a], NOW, [tmp_path / "x.docx"], 3)
    assert last_brief([a]) == NOW and last_brief([b]) is None
    assert not [p for p in state_path().parent.iterdir() if p.name != "state.json"]
    state_path().write_text("{not json")
    assert last_brief([a]) is None  # a broken state file means "no earlier brief"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFING_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("BRIEFING_CONFIG", raising=False)
    d = tmp_path / "articles"
    d.mkdir()
    old = time.time() - 3 * 86400
    for name in ("kenya.txt", "rail.txt"):
        (d / name).write_text(TEXTS[name])
        os.utime(d / name, (old, old))
    return d


def brief(*args: str):
    return runner.invoke(app, ["brief", "articles", "--model", "extractive", "--force", *args])


def paths(out) -> list[str]:
    return sorted(os.path.basename(a["path"]) for a in json.loads(out.read_text())["articles"])


def test_since_last_briefs_only_what_arrived_after_the_previous_brief(folder, tmp_path):
    first = brief("--since", "last", "-o", "one.json")
    assert first.exit_code == 0, first.output
    assert paths(tmp_path / "one.json") == ["kenya.txt", "rail.txt"]  # no earlier brief: all
    recorded = last_brief([folder])
    assert recorded is not None
    assert "new_since" not in json.loads((tmp_path / "one.json").read_text())

    (folder / "port.txt").write_text(TEXTS["port.txt"])
    soon = time.time() + 60
    os.utime(folder / "port.txt", (soon, soon))
    second = brief("--since", "last", "-o", "two.json")
    assert second.exit_code == 0, second.output
    assert paths(tmp_path / "two.json") == ["port.txt"]
    data = json.loads((tmp_path / "two.json").read_text())
    assert dt.datetime.fromisoformat(data["new_since"]) == recorded
    after_second = last_brief([folder])
    assert after_second is not None and after_second >= recorded

    os.utime(folder / "port.txt", (recorded.timestamp() - 1,) * 2)
    nothing = brief("--since", "last", "-o", "three.json")
    assert nothing.exit_code == NOTHING_NEW, nothing.output
    assert not (tmp_path / "three.json").exists()
    assert last_brief([folder]) == after_second  # nothing written: "last" does not move


def test_failed_run_leaves_the_state_alone(folder, tmp_path):
    assert brief("-o", "ok.json").exit_code == 0
    before = state_path().read_bytes()
    (folder / "new.txt").write_text(TEXTS["port.txt"])
    res = brief("--since", "last", "-o", "bad.json", "--model", "no-such-model")
    assert res.exit_code == 2, res.output
    assert state_path().read_bytes() == before


def test_since_a_date_uses_file_times_when_articles_have_no_date(folder, tmp_path):
    res = brief("--since", "yesterday", "-o", "y.json")
    assert res.exit_code == NOTHING_NEW, res.output
    (folder / "port.txt").write_text(TEXTS["port.txt"])
    res = brief("--since", "yesterday", "-o", "y.json")
    assert res.exit_code == 0, res.output
    assert paths(tmp_path / "y.json") == ["port.txt"]
