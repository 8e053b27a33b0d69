"""Command line: options -> Settings -> pipeline -> writers. Nothing else lives here.

Exit codes: 0 brief written with every article; 1 brief written but some files were skipped
(listed in the brief and on stderr); 2 nothing written (bad input, output or model: a one-line
error); 130 interrupted (finished summaries stay cached; the next run resumes).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .errors import BriefingError, OutputError
from .models.registry import DEFAULT_MODEL, known_names
from .progress import log, set_quiet
from .settings import Settings

EXIT_CODES = (
    "Exit codes: 0 = brief written, every article included; 1 = brief written, some files "
    'skipped (see "Not included"); 2 = nothing written (bad input, output or model); '
    "130 = interrupted."
)

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help=(
        "Local, offline news briefings: point it at a folder of articles, get a faithful brief.\n\n"
        "Example:  briefing brief seeds/ -o output/seeds.docx\n\n" + EXIT_CODES
    ),
    context_settings={"help_option_names": ["-h", "--help"]},
)

ModelOpt = Annotated[str, typer.Option(
    "--model", "-m",
    help=f"Model: a packaged name ({', '.join(known_names())}), a local Hugging Face model "
         "directory (causal LM or BART/T5/Pegasus) or a .gguf file. Example: --model qwen-1.5b",
)]
BackendOpt = Annotated[str, typer.Option(
    help="Inference engine: auto picks the fastest installed for the device. "
         "Example: --backend transformers")]
LengthOpt = Annotated[str, typer.Option(
    help="Summary length: short (1 sentence), medium (3), long (5). Example: --length short")]
StyleOpt = Annotated[str, typer.Option(help="prose or bullets. Example: --style bullets")]
PromptsOpt = Annotated[Path | None, typer.Option(
    "--prompts",
    help="Folder of prompt templates overriding prompts/. Example: --prompts myprompts/")]
NoRecOpt = Annotated[bool, typer.Option(
    "--no-recursive", help="Do not read subfolders. Example: --no-recursive")]
MaxSizeOpt = Annotated[float, typer.Option(
    "--max-size", help="Skip files larger than this many MB. Example: --max-size 10")]
NoCacheOpt = Annotated[bool, typer.Option(
    "--no-cache", help="Ignore and do not write the summary cache. Example: --no-cache")]
QuietOpt = Annotated[bool, typer.Option(
    "--quiet", "-q", help="No progress or notes; errors still go to stderr. Example: -q")]
PlainOpt = Annotated[bool, typer.Option(
    "--plain", help="Plain text without colour or boxes (automatic when piped). Example: --plain")]
DeviceOpt = Annotated[str | None, typer.Option(
    help="cpu, cuda or cuda:N (default: CUDA when present). Example: --device cpu")]


def _settings(folders: list[Path], **kw: object) -> Settings:
    s = Settings(inputs=list(folders))
    for k, v in kw.items():
        if v is not None:
            setattr(s, k, v)
    return s


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


@app.command()
def brief(
    folders: Annotated[list[Path], typer.Argument(
        help="Folder(s) (or files) of articles: .txt .md .html .docx .pdf. Example: seeds/")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o",
        help="Where to write the brief (default output/brief-YYYY-MM-DD.docx). "
             "Example: -o output/seeds.docx")] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f",
        help="docx, md, json or console (default: from the output suffix). Example: --format md")
    ] = None,
    model: ModelOpt = DEFAULT_MODEL,
    backend: BackendOpt = "auto",
    length: LengthOpt = "medium",
    style: StyleOpt = "prose",
    prompts: PromptsOpt = None,
    focus: Annotated[str | None, typer.Option(
        help="Comma-separated keywords that rank topics higher. Example: --focus 'THAAD,Korea'")
    ] = None,
    title: Annotated[str, typer.Option(help="Brief title. Example: --title 'Asia desk'")] = (
        "Morning brief"),
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite an existing output file. Example: --force")] = False,
    template: Annotated[Path | None, typer.Option(
        help="Word file whose styles the DOCX uses. Example: --template house-style.docx")
    ] = None,
    no_recursive: NoRecOpt = False,
    max_size: MaxSizeOpt = 5.0,
    no_cache: NoCacheOpt = False,
    device: DeviceOpt = None,
    quiet: QuietOpt = False,
    plain: PlainOpt = False,
) -> None:
    """Summarise every article in FOLDERS and write a briefing (Word by default).

    Example: briefing brief seeds/ -o output/seeds.docx --model qwen-0.5b
    """
    from .pipeline import run
    from .write import check_writable, format_for, render_console, write_briefing

    set_quiet(quiet)
    settings = _settings(
        folders, model=model, backend=backend, length=length, style=style, prompts_dir=prompts,
        focus=[f.strip() for f in (focus or "").split(",") if f.strip()], title=title,
        force=force, template=template, recursive=not no_recursive,
        max_bytes=int(max_size * 1024 * 1024), use_cache=not no_cache, device=device, quiet=quiet,
    )
    _validate(settings)
    out = output or settings.default_output()
    kind = fmt or None
    try:
        kind = "console" if kind == "console" else format_for(out, kind)
        if kind != "console":
            check_writable(out, force)
        if template is not None and not template.is_file():
            raise OutputError(f"template {str(template)!r} does not exist")
        result = run(settings)
        if not result.articles:
            _report_skipped(result.skipped)
            raise _fail("no article could be read from the input; nothing written")
        if kind == "console":
            render_console(result.briefing, _console(plain))
        else:
            path = write_briefing(result.briefing, out, kind, force=force, template=template)
            if not quiet:
                print(path)
    except BriefingError as e:
        raise _fail(str(e), e.exit_code) from None
    except KeyboardInterrupt:
        raise _fail("interrupted; finished summaries are cached and the next run resumes", 130
                    ) from None
    _report_skipped(result.skipped)
    raise typer.Exit(1 if result.skipped else 0)


@app.command()
def summarize(
    folders: Annotated[list[Path], typer.Argument(
        help="Folder(s) (or files) of articles. Example: seeds/")],
    model: ModelOpt = DEFAULT_MODEL,
    backend: BackendOpt = "auto",
    length: LengthOpt = "medium",
    style: StyleOpt = "prose",
    prompts: PromptsOpt = None,
    no_recursive: NoRecOpt = False,
    max_size: MaxSizeOpt = 5.0,
    no_cache: NoCacheOpt = False,
    device: DeviceOpt = None,
    quiet: QuietOpt = False,
    plain: PlainOpt = False,
) -> None:
    """Print each article's title, source and summary in the terminal.

    Example: briefing summarize seeds/ --model extractive
    """
    from .models.load import resolve
    from .pipeline import ModelHandle, ingest, summarise
    from .types import BriefArticle
    from .write import render_summaries

    set_quiet(quiet)
    settings = _settings(folders, model=model, backend=backend, length=length, style=style,
                         prompts_dir=prompts, recursive=not no_recursive,
                         max_bytes=int(max_size * 1024 * 1024), use_cache=not no_cache,
                         device=device, quiet=quiet)
    _validate(settings)
    try:
        ingested = ingest(settings)
        handle = ModelHandle(settings, resolve(settings.model, show_progress=not quiet))
        summaries, failed, _ = summarise(settings, ingested.articles, handle)
    except BriefingError as e:
        raise _fail(str(e), e.exit_code) from None
    except KeyboardInterrupt:
        raise _fail("interrupted; finished summaries are cached", 130) from None
    items = [BriefArticle.from_parts(a, summaries[a.id]) for a in ingested.articles
             if a.id in summaries]
    render_summaries(items, _console(plain))
    skipped = ingested.skipped + failed
    _console(plain, stderr=True)
    _report_skipped(skipped)
    if not items:
        raise _fail("no article could be read from the input")
    raise typer.Exit(1 if skipped else 0)


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


def _validate(s: Settings) -> None:
    from .summarize import LENGTHS, STYLES

    if s.length not in LENGTHS:
        raise _fail(f"--length must be one of {', '.join(LENGTHS)}, not {s.length!r}")
    if s.style not in STYLES:
        raise _fail(f"--style must be one of {', '.join(STYLES)}, not {s.style!r}")
    if s.max_bytes <= 0:
        raise _fail("--max-size must be positive")
    if s.prompts_dir is not None and not s.prompts_dir.is_dir():
        raise _fail(f"--prompts {str(s.prompts_dir)!r} is not a folder")
    try:
        dt.date.fromisoformat(s.date)
    except ValueError:
        raise _fail(f"bad date {s.date!r}") from None


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        Console(stderr=True).print("error: interrupted", markup=False)
        sys.exit(130)


if __name__ == "__main__":
    main()
