"""Engines that run ingest and summarise somewhere other than this process (Ray, for now).

Nothing here imports Ray at import time: the default install and CLI never load it. Only
`run_stages` does, and it turns a missing Ray into a one-line ModelError.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING

from ..errors import ModelError

if TYPE_CHECKING:
    from ..settings import Settings
    from .ray_engine import StageResult

RAY_MISSING = "Ray is not installed: pip install 'briefing[ray]'"


def require_ray() -> None:
    """Raise ModelError with the install command unless `import ray` can work."""
    try:
        found = importlib.util.find_spec("ray") is not None
    except (ImportError, ValueError):  # ValueError: sys.modules["ray"] is None (blocked)
        found = False
    if not found:
        raise ModelError(RAY_MISSING)
    try:
        import ray  # noqa: F401
    except ImportError as e:
        raise ModelError(f"{RAY_MISSING} ({e})") from None


def run_stages(settings: Settings, *, workers: int | None = None) -> StageResult:
    """Ingest and summarise `settings.inputs` on Ray; see `ray_engine.run_stages`."""
    require_ray()
    from .ray_engine import run_stages as _run

    return _run(settings, workers=workers)
