"""briefing.toml < BRIEFING_* < options: merging, provenance, errors, `init` and `config show`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.config import ConfigError, load_config, resolve, starter_text
from briefing.settings import Settings

runner = CliRunner()
ARTICLE = ("Farmers in Kenya harvested a record maize crop this season, the agriculture ministry "
           "said on Tuesday. Prices fell by a third in local markets as supply rose.\n")


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """An empty working folder with no config above it and a private state directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFING_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    for var in ("BRIEFING_CONFIG", "BRIEFING_MODEL", "BRIEFING_LENGTH", "BRIEFING_TITLE"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "kenya.txt").write_text(ARTICLE)
    return tmp_path


def one_line_error(res) -> str:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    errors = [line for line in res.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, res.output
    return errors[0]


def test_each_layer_overrides_the_one_below(workdir):
    (workdir / "briefing.toml").write_text('length = "short"\nstyle = "bullets"\n'
                                           'model = "extractive"\ntitle = "From file"\n')
    cfg = load_config(workdir / "briefing.toml")
    env = {"BRIEFING_STYLE": "prose", "BRIEFING_TITLE": "From env"}
    s, prov = resolve({"title": "From options", "length": None}, env, cfg)
    assert (s.length, s.style, s.model, s.title) == ("short", "prose", "extractive",
                                                     "From options")
    assert prov["length"] == str(workdir / "briefing.toml")
    assert prov["style"] == "env BRIEFING_STYLE"
    assert prov["title"] == "command line"
    assert prov["backend"] == "default" and s.backend == Settings().backend


def test_relative_paths_in_the_file_are_relative_to_the_file(tmp_path):
    sub = tmp_path / "project"
    sub.mkdir()
    (sub / "briefing.toml").write_text('inputs = ["news", "~/more"]\noutput_dir = "briefs"\n')
    s, _ = resolve({}, {}, load_config(sub / "briefing.toml"))
    assert s.inputs == [sub / "news", Path("~/more").expanduser()]
    assert s.output_dir == sub / "briefs"
    s, _ = resolve({}, {"BRIEFING_INPUTS": "a:b", "BRIEFING_MAX_SIZE": "2"}, None)
    assert s.inputs == [Path("a"), Path("b")] and s.max_bytes == 2 * 1024 * 1024


def test_command_line_beats_environment_beats_file_end_to_end(workdir, monkeypatch):
    (workdir / "briefing.toml").write_text('inputs = ["articles"]\nmodel = "extractive"\n'
                                           'title = "From file"\nformats = ["json"]\n')

    def title(*args: str) -> str:
        res = runner.invoke(app, ["brief", "--force", "-o", "b.json", *args])
        assert res.exit_code == 0, res.output
        return json.loads((workdir / "b.json").read_text())["title"]

    assert title() == "From file"
    monkeypatch.setenv("BRIEFING_TITLE", "From env")
    assert title() == "From env"
    assert title("--title", "From options") == "From options"


def test_unknown_key_names_the_file_the_key_and_its_line(workdir):
    (workdir / "briefing.toml").write_text('# my settings\nlength = "short"\nmodle = "x"\n')
    line = one_line_error(runner.invoke(app, ["brief"]))
    assert f"{workdir / 'briefing.toml'}:3" in line
    assert "'modle'" in line and "did you mean 'model'" in line


def test_wrong_type_and_bad_toml_and_bad_env_are_one_line_errors(workdir, monkeypatch):
    path = workdir / "briefing.toml"
    path.write_text('inputs = ["articles"]\nrecursive = "yes"\n')
    line = one_line_error(runner.invoke(app, ["brief"]))
    assert f"{path}:2" in line and "recursive must be true or false" in line
    path.write_text('length = "short\n')
    assert "not valid TOML" in one_line_error(runner.invoke(app, ["brief"]))
    path.write_text('inputs = ["articles"]\nlength = "epic"\n')
    assert f"length (from {path})" in one_line_error(runner.invoke(app, ["brief"]))
    path.write_text('inputs = ["articles"]\n')
    monkeypatch.setenv("BRIEFING_MAX_SIZE", "lots")
    assert "BRIEFING_MAX_SIZE" in one_line_error(runner.invoke(app, ["brief"]))


def test_briefing_config_variable_points_at_a_file(workdir, monkeypatch):
    other = workdir / "elsewhere.toml"
    other.write_text('length = "long"\n')
    monkeypatch.setenv("BRIEFING_CONFIG", str(other))
    res = runner.invoke(app, ["config", "show", "--plain"])
    assert res.exit_code == 0, res.output
    assert str(other) in res.output
    monkeypatch.setenv("BRIEFING_CONFIG", str(workdir / "missing.toml"))
    assert "BRIEFING_CONFIG" in one_line_error(runner.invoke(app, ["config", "show"]))


def test_no_input_anywhere_is_a_one_line_error(workdir):
    assert "briefing init" in one_line_error(runner.invoke(app, ["brief", "--model",
                                                                 "extractive"]))


def test_init_writes_a_valid_starter_and_refuses_to_overwrite(workdir):
    res = runner.invoke(app, ["init"])
    assert res.exit_code == 0, res.output
    path = workdir / "briefing.toml"
    assert path.read_text() == starter_text()
    assert (workdir / "articles").is_dir()
    cfg = load_config(path)  # every key the starter sets is known and well typed
    s, _ = resolve({}, {}, cfg)
    assert s.inputs == [workdir / "articles"] and s.filename == "brief-{date}.docx"
    path.write_text("# mine\n")
    assert "--force" in one_line_error(runner.invoke(app, ["init"]))
    assert path.read_text() == "# mine\n"
    assert runner.invoke(app, ["init", "--force"]).exit_code == 0
    assert path.read_text() == starter_text()


def test_config_show_says_where_each_value_came_from(workdir, monkeypatch):
    (workdir / "briefing.toml").write_text('inputs = ["articles"]\nlength = "short"\n')
    monkeypatch.setenv("BRIEFING_MODEL", "extractive")
    monkeypatch.setenv("COLUMNS", "200")
    res = runner.invoke(app, ["config", "show", "--plain"])
    assert res.exit_code == 0, res.output
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:4]]
            for line in res.output.splitlines() if line.count("│") >= 4}
    assert rows["length"] == ["short", str(workdir / "briefing.toml")]
    assert rows["model"] == ["extractive", "env BRIEFING_MODEL"]
    assert rows["style"] == ["prose", "default"]
    assert rows["max_size"][0] == "5 MB"
    assert f"config file: {workdir / 'briefing.toml'}" in res.output


def test_starter_file_comments_every_key():
    text = starter_text()
    from briefing.config import KEYS

    for key in KEYS:
        assert f"{key.name} = " in text
    with pytest.raises(ConfigError):
        resolve({"length": "epic"}, {}, None)


def test_key_sentences_from_the_cli_or_env_and_a_negative_count_is_refused():
    settings, prov = resolve({"key_sentences": 0}, {"BRIEFING_KEY_SENTENCES": "5"}, None)
    assert settings.key_sentences == 0 and prov["key_sentences"] == "command line"
    settings, _ = resolve({}, {"BRIEFING_KEY_SENTENCES": "5"}, None)
    assert settings.key_sentences == 5
    assert resolve({}, {}, None)[0].key_sentences is None
    with pytest.raises(ConfigError, match="--key-sentences must be 0"):
        resolve({"key_sentences": -1}, {}, None)


def test_device_is_checked_before_any_work(monkeypatch):
    import torch

    with pytest.raises(ConfigError, match="--device must be cpu, cuda or cuda:N, not 'gpu'"):
        resolve({"device": "gpu"}, {}, None)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ConfigError, match="--device is 'cuda', but .* sees no CUDA GPU"):
        resolve({"device": "cuda"}, {}, None)
    # on Ray the workers' GPUs count, not the driver's
    assert resolve({"device": "cuda", "engine": "ray"}, {}, None)[0].device == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert resolve({"device": "cuda:0"}, {}, None)[0].device == "cuda:0"
    with pytest.raises(ConfigError, match="has 1 CUDA GPU"):
        resolve({}, {"BRIEFING_DEVICE": "cuda:1"}, None)
    assert resolve({"device": "cpu"}, {}, None)[0].device == "cpu"
