"""The project's own error types. The CLI turns these into one-line messages and exit codes."""

from __future__ import annotations


class BriefingError(Exception):
    """Base class: anything the user can act on, reported as one line, never a traceback."""

    exit_code = 2


class InputError(BriefingError):
    """The input folder or a file in it cannot be used."""


class OutputError(BriefingError):
    """The output cannot be written (exists without --force, unwritable directory...)."""


class ModelError(BriefingError):
    """The model cannot be found, verified or loaded."""


class ExtractionError(BriefingError):
    """One file could not be turned into an article (the rest of the brief goes on)."""
