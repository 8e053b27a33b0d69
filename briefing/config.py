"""Where each setting comes from: defaults < briefing.toml < BRIEFING_* environment < command line.

`resolve()` merges the layers into one `Settings` plus a provenance dict (key -> "default",
the config file's path, "env BRIEFING_X" or "command line") that `briefing config show` prints
and that error messages use to say which layer holds a bad value.

Relative paths in the config file are relative to the file's folder (so a `briefing.toml` in a
project folder works from cron's home directory); relative paths from the environment or the
command line are relative to the working folder.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from .errors import InputError
from .settings import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_NAME = "briefing.toml"
ENV_PREFIX = "BRIEFING_"
CLI = "command line"
DEFAULT = "default"


class ConfigError(InputError):
    """A bad config file, environment variable or option value (one line, exit code 2)."""


@dataclass(frozen=True)
class Key:
    """One setting: its name in the file (and BRIEFING_<NAME> in the environment)."""

    name: str
    attr: str  # the Settings attribute it sets
    kind: str  # str | path | paths | list | bool | int | megabytes
    help: str
    example: str | None = None  # the TOML value `briefing init` writes (None: commented out)


KEYS: tuple[Key, ...] = (
    Key("inputs", "inputs", "paths", "folder(s) or files of articles", '["articles"]'),
    Key("output_dir", "output_dir", "path", "folder the brief is written to", '"output"'),
    Key("filename", "filename", "str",
        "file name; {date} = YYYY-MM-DD, {time} = HH-MM; the suffix follows the format",
        '"brief-{date}.docx"'),
    Key("output", "output", "path", "one fixed output path (overrides output_dir/filename)"),
    Key("formats", "formats", "list", "docx, md, json and/or console, written from one run",
        '["docx"]'),
    Key("model", "model", "str", "packaged name, Hugging Face folder or .gguf file",
        '"qwen-0.5b"'),
    Key("backend", "backend", "str", "auto, transformers, llama-cpp or ctranslate2", '"auto"'),
    Key("device", "device", "str", "cpu, cuda or cuda:N (default: CUDA when present)"),
    Key("length", "length", "str", "short, medium or long", '"medium"'),
    Key("style", "style", "str", "prose or bullets", '"prose"'),
    Key("key_sentences", "key_sentences", "int",
        "how many key sentences of an article the model reads; 0 = the whole article "
        "(default: 5, 7 for long)"),
    Key("focus", "focus", "list", "keywords that rank topics higher", "[]"),
    Key("title", "title", "str", "the brief's title", '"Morning brief"'),
    Key("template", "template", "path", "Word file whose styles the DOCX uses"),
    Key("prompts", "prompts_dir", "path", "folder of prompt templates overriding prompts/"),
    Key("since", "since", "str",
        "only articles newer than: last (the previous brief), yesterday, today or a date"),
    Key("recursive", "recursive", "bool", "read subfolders", "true"),
    Key("max_size", "max_bytes", "megabytes", "skip files larger than this many MB", "5"),
    Key("cache", "use_cache", "bool", "reuse summaries of articles already briefed", "true"),
    Key("force", "force", "bool", "overwrite an existing brief of the same name", "false"),
    Key("quiet", "quiet", "bool", "no progress or notes (errors still go to stderr)"),
    Key("batch_size", "batch_size", "int",
        "articles summarised per model call (default: 1024 on a GPU, 64 on openvino, 8 on "
        "the others)"),
    Key("timeout", "article_timeout", "int",
        "seconds of generation per article; past it the output is cut at its last full sentence"),
    Key("batch_memory", "batch_memory", "megabytes",
        "memory one generation batch may use (default: a quarter of the free memory; on a "
        "GPU, half the free GPU memory)"),
    Key("engine", "engine", "str", "local, or ray to spread the work over a Ray cluster"),
    Key("ray_address", "ray_address", "str", "join this Ray cluster (ray://head:10001)"),
)
BY_NAME: dict[str, Key] = {k.name: k for k in KEYS}


@dataclass
class ConfigFile:
    """A parsed briefing.toml: typed values by key name, and the line each key is on."""

    path: Path
    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def where(self, key: str) -> str:
        line = self.lines.get(key)
        return f"{self.path}:{line}" if line else str(self.path)


def user_config_path() -> Path:
    return Path(platformdirs.user_config_dir("briefing")) / CONFIG_NAME


def find_config(cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Path | None:
    """`$BRIEFING_CONFIG`, else ./briefing.toml, else the user config directory's; or None."""
    env = os.environ if env is None else env
    if explicit := env.get(f"{ENV_PREFIX}CONFIG"):
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ConfigError(f"BRIEFING_CONFIG points at {path}, which is not a file")
        return path
    for path in ((cwd or Path.cwd()) / CONFIG_NAME, user_config_path()):
        if path.is_file():
            return path
    return None


def _key_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if m := re.match(r"\s*[\"']?([A-Za-z0-9_-]+)[\"']?\s*=", line):
            lines.setdefault(m.group(1), n)
    return lines


def load_config(path: Path) -> ConfigFile:
    """Parse and type-check a config file; ConfigError names the file, the key and its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read config file {path}: {e}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    cfg = ConfigFile(path, lines=_key_lines(text))
    for name, value in data.items():
        key = BY_NAME.get(name)
        if key is None:
            close = difflib.get_close_matches(name, BY_NAME, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{cfg.where(name)}: unknown key {name!r}{hint}; "
                              f"known keys: {', '.join(BY_NAME)}")
        try:
            cfg.values[name] = _from_toml(key, value, path.parent)
        except ValueError as e:
            raise ConfigError(f"{cfg.where(name)}: {name} {e}") from None
    return cfg


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _path(text: str, base: Path | None) -> Path:
    p = Path(text).expanduser()
    return p if p.is_absolute() or base is None else base / p


def _from_toml(key: Key, value: Any, base: Path) -> Any:
    """A TOML value as the Settings attribute wants it; ValueError says what was expected."""
    kind = key.kind
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, not {value!r}")
        return value
    if kind in ("int", "megabytes"):
        ok = isinstance(value, int) or (kind == "megabytes" and isinstance(value, float))
        if isinstance(value, bool) or not ok:
            raise ValueError(f"must be a number, not {value!r}")
        return _number(key, value)
    if kind in ("list", "paths"):
        if isinstance(value, str):
            value = [value]
        if not _is_str_list(value):
            raise ValueError(f"must be a string or a list of strings, not {value!r}")
        items = _list(value)
        return [_path(v, base) for v in items] if kind == "paths" else items
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {value!r}")
    return _path(value, base) if kind == "path" else value


def _number(key: Key, value: float) -> int:
    if value <= 0:
        raise ValueError(f"must be positive, not {value!r}")
    return int(value * 1024 * 1024) if key.kind == "megabytes" else int(value)


def _list(values: list[str]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _from_text(key: Key, text: str, base: Path | None) -> Any:
    """An environment variable's (or option's) text as the Settings attribute wants it."""
    kind = key.kind
    if kind == "bool":
        low = text.strip().lower()
        if low not in _TRUE | _FALSE:
            raise ValueError(f"must be true or false, not {text!r}")
        return low in _TRUE
    if kind in ("int", "megabytes"):
        try:
            number = float(text) if kind == "megabytes" else int(text)
        except ValueError:
            raise ValueError(f"must be a number, not {text!r}") from None
        return _number(key, number)
    if kind == "paths":
        return [_path(p, base) for p in text.split(os.pathsep) if p.strip()]
    if kind == "list":
        return _list([text])
    return _path(text, base) if kind == "path" else (text or None)


def _from_cli(key: Key, value: Any) -> Any:
    if isinstance(value, str) and key.kind != "str":
        return _from_text(key, value, None)
    if key.kind == "megabytes":
        return _number(key, value)
    if key.kind == "paths":
        return [Path(p) for p in value]
    if key.kind == "list":
        return _list([str(v) for v in value])
    return value


def env_values(env: Mapping[str, str]) -> dict[str, tuple[Any, str]]:
    """BRIEFING_<KEY> variables as typed values, each with its variable's name."""
    out: dict[str, tuple[Any, str]] = {}
    for key in KEYS:
        var = ENV_PREFIX + key.name.upper()
        if var in env:
            try:
                out[key.name] = (_from_text(key, env[var], None), f"env {var}")
            except ValueError as e:
                raise ConfigError(f"environment variable {var} {e}") from None
    return out


def resolve(
    cli: Mapping[str, Any],
    env: Mapping[str, str] | None = None,
    file: ConfigFile | None = None,
    *,
    base: Settings | None = None,
) -> tuple[Settings, dict[str, str]]:
    """Merge the layers into Settings; also return where each key's value came from.

    `cli` holds only the options the user gave (None means "not given": it never overrides a
    lower layer). `env` defaults to os.environ.
    """
    settings = base or Settings()
    provenance = {k.name: DEFAULT for k in KEYS}
    layers: list[dict[str, tuple[Any, str]]] = []
    if file is not None:
        layers.append({n: (v, str(file.path)) for n, v in file.values.items()})
    layers.append(env_values(os.environ if env is None else env))
    given = {}
    for name, value in cli.items():
        if value is None:
            continue
        if name not in BY_NAME:
            raise KeyError(f"unknown setting {name!r}")
        try:
            given[name] = (_from_cli(BY_NAME[name], value), CLI)
        except ValueError as e:
            raise ConfigError(f"--{name.replace('_', '-')} {e}") from None
    layers.append(given)
    for layer in layers:
        for name, (value, source) in layer.items():
            setattr(settings, BY_NAME[name].attr, value)
            provenance[name] = source
    validate(settings, provenance)
    return settings, provenance


def _check(ok: bool, key: str, provenance: Mapping[str, str], what: str,
           fmt: Callable[[str], str] | None = None) -> None:
    if ok:
        return
    src = provenance.get(key, DEFAULT)
    origin = {CLI: f"--{key.replace('_', '-')}", DEFAULT: f"default {key}"}.get(src)
    if origin is None:
        origin = f"{key} (from {src[4:] if src.startswith('env ') else src})"
    raise ConfigError(f"{origin} {what}")


def _check_device(s: Settings, p: Mapping[str, str]) -> None:
    """cpu, cuda or cuda:N; and on the local engine a CUDA device must be there (on Ray the
    workers' GPUs count, not the driver's)."""
    dev = s.device
    if dev is None or dev == "auto":
        return
    _check(dev == "cpu" or re.fullmatch(r"cuda(:\d+)?", dev) is not None, "device", p,
           f"must be cpu, cuda or cuda:N, not {dev!r}")
    if dev.startswith("cuda") and s.engine == "local":
        import torch

        _check(torch.cuda.is_available(), "device", p,
               f"is {dev!r}, but torch {torch.__version__} sees no CUDA GPU here (use cpu)")
        index = int(dev.partition(":")[2] or 0)
        _check(index < torch.cuda.device_count(), "device", p,
               f"is {dev!r}, but this machine has {torch.cuda.device_count()} CUDA GPU(s)")


def validate(s: Settings, provenance: Mapping[str, str]) -> None:
    """Check values that have a fixed set of choices, naming the layer that set a bad one."""
    from .backends.select import BACKENDS
    from .summarize import LENGTHS, STYLES
    from .write import FORMATS

    p = provenance
    _check(s.length in LENGTHS, "length", p,
           f"must be one of {', '.join(LENGTHS)}, not {s.length!r}")
    _check(s.style in STYLES, "style", p, f"must be one of {', '.join(STYLES)}, not {s.style!r}")
    _check(s.backend in BACKENDS, "backend", p,
           f"must be one of {', '.join(BACKENDS)}, not {s.backend!r}")
    _check(s.engine in ("local", "ray"), "engine", p, f"must be local or ray, not {s.engine!r}")
    _check_device(s, p)
    bad = [f for f in s.formats if f.lower() not in FORMATS]
    _check(not bad, "formats", p, f"must be among {', '.join(FORMATS)}, not {bad[:1]}")
    s.formats = list(dict.fromkeys(f.lower() for f in s.formats))
    _check(s.max_bytes > 0, "max_size", p, "must be positive")
    _check(s.batch_size is None or s.batch_size > 0, "batch_size", p, "must be positive")
    _check(s.key_sentences is None or s.key_sentences >= 0, "key_sentences", p,
           "must be 0 (the whole article) or more")
    _check(s.prompts_dir is None or s.prompts_dir.is_dir(), "prompts", p,
           f"{str(s.prompts_dir)!r} is not a folder")
    _check(s.template is None or s.template.is_file(), "template", p,
           f"{str(s.template)!r} does not exist")
    try:
        s.filename.format(date=s.date, time="00-00")
    except (KeyError, IndexError, ValueError) as e:
        _check(False, "filename", p, f"{s.filename!r}: only {{date}} and {{time}} may be used "
                                     f"({e})")


def show_value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    if value is None:
        return "(none)"
    return str(value)


STARTER = """\
# briefing.toml: defaults for `briefing brief` run in this folder.
# Precedence: built-in defaults < this file < BRIEFING_<KEY> environment variables
# (e.g. BRIEFING_MODEL=extractive) < command-line options.
# Relative paths are relative to this file's folder. `briefing config show` prints what
# is in effect and where each value came from.
"""


def starter_text() -> str:
    """The commented starter file `briefing init` writes: every key, with its meaning."""
    out = [STARTER]
    for key in KEYS:
        out.append(f"\n# {key.help}\n")
        if key.example is not None:
            out.append(f"{key.name} = {key.example}\n")
        else:
            out.append(f"# {key.name} = {_placeholder(key)}\n")
    return "".join(out)


def _placeholder(key: Key) -> str:
    return {
        "output": '"output/today.docx"', "device": '"cpu"', "template": '"house-style.docx"',
        "prompts": '"myprompts"', "since": '"last"', "quiet": "true", "batch_size": "8",
        "key_sentences": "8",
        "engine": '"local"', "ray_address": '"ray://head:10001"',
    }.get(key.name, '""')
