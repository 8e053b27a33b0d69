"""Get a packaged model ready ahead of time: install, assemble, convert, so a run never waits.

`status()` answers cheaply (no hashing, no model loading) for `briefing models`; `prepare()`
does every slow first-use step that the chosen backend needs.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelError
from ..progress import log
from .fingerprint import fingerprint
from .load import ModelSource, converted_dir, gguf_model_id
from .paths import cache_dir
from .registry import EXTRACTIVE, PACKAGED, PackagedModel


@dataclass(frozen=True)
class ModelStatus:
    model: PackagedModel
    installed: bool
    size: int | None  # bytes of the GGUF (known, or summed from the installed parts)
    assembled: str  # "yes", "no", "in package" (a single file used in place) or "-"
    converted: bool


def _parts(m: PackagedModel) -> list[Path]:
    from .packaged import part_files

    try:
        return part_files(m)
    except ModelError:
        return []


def _assembled_path(m: PackagedModel, parts: list[Path]) -> Path | None:
    """The ready GGUF file if there is one, without assembling or hashing anything."""
    if len(parts) == 1 and parts[0].suffix == ".gguf":
        return parts[0]
    target = cache_dir() / "gguf" / m.gguf_name
    if target.is_file() and (m.size is None or target.stat().st_size == m.size):
        return target
    return None


def _model_id(m: PackagedModel, gguf: Path | None) -> str | None:
    """The id `briefing.models.load.resolve` gives the model, when it is cheap to know."""
    if m.sha256:
        return gguf_model_id(m.name, m.sha256)
    return gguf_model_id(m.name, fingerprint(gguf)) if gguf is not None else None


def status(m: PackagedModel) -> ModelStatus:
    parts = _parts(m)
    gguf = _assembled_path(m, parts) if parts else None
    size = m.size or (sum(p.stat().st_size for p in parts) if parts else None)
    if not parts:
        assembled = "yes" if (cache_dir() / "gguf" / m.gguf_name).is_file() else "no"
    elif len(parts) == 1 and parts[0].suffix == ".gguf":
        assembled = "in package"
    else:
        assembled = "yes" if gguf is not None else "no"
    mid = _model_id(m, gguf)
    converted = mid is not None and ((cache_dir() / "models" / mid / ".complete").is_file()
                                     or (cache_dir() / "ct2" / mid / "model.bin").is_file())
    return ModelStatus(m, bool(parts), size, assembled, converted)


def statuses() -> list[ModelStatus]:
    return [status(m) for m in PACKAGED.values()]


def pip_command(m: PackagedModel) -> list[str]:
    """pip with the registry's pinned packages; --no-deps where the install hint says so."""
    no_deps = ["--no-deps"] if "--no-deps" in m.install_hint.split() else []
    return [sys.executable, "-m", "pip", "install", *no_deps, *m.pip_requirements]


Runner = Callable[[list[str]], int]


def _run_pip(cmd: list[str]) -> int:
    return subprocess.run(cmd, check=False).returncode


def prepare(name: str, *, backend: str = "auto", device: str | None = None,
            install: Runner | None = None, show_progress: bool = True) -> list[str]:
    """Install (if missing), assemble and convert `name`; return what was done, step by step."""
    from ..nlp import prepare_embeddings
    from .load import ensure_converted, resolve
    from .packaged import gguf_path, is_installed

    if name == EXTRACTIVE:
        return ["extractive needs no generative model", prepare_embeddings()]
    m = PACKAGED.get(name)
    if m is None:
        raise ModelError(f"unknown packaged model {name!r}; choose one of {', '.join(PACKAGED)}")
    done: list[str] = []
    if is_installed(m):
        done.append("packages: already installed")
    else:
        cmd = pip_command(m)
        log(f"Installing {name}: {' '.join(cmd[1:])}")
        if (install or _run_pip)(cmd) != 0:
            raise ModelError(f"pip could not install {name}; try by hand: {m.install_hint}")
        importlib.invalidate_caches()
        if not is_installed(m):
            raise ModelError(f"{name} still not found after pip install; try: {m.install_hint}")
        done.append("packages: installed")
    before = _assembled_path(m, _parts(m))
    path = gguf_path(m, show_progress=show_progress)
    done.append(f"GGUF: {'ready' if before else 'assembled and verified'} at {path}")
    source = resolve(name, show_progress=show_progress)
    engine = _backend_for(source, backend, device)
    done.append(prepare_embeddings())
    if engine == "llama-cpp":
        done.append("conversion: not needed (llama-cpp reads the GGUF)")
        return done
    if engine == "openvino":
        from ..backends.openvino_backend import ensure_ir, ir_dir
        from .openvino_ir import is_built

        was = is_built(ir_dir(source))
        done.append(f"OpenVINO: {'ready' if was else 'converted'} at {ensure_ir(source)}")
        return done
    if engine == "ctranslate2":
        from ..backends.ctranslate2_backend import ct2_dir, ensure_ct2_model

        was = (ct2_dir(source) / "model.bin").is_file()
        done.append(f"CTranslate2: {'ready' if was else 'converted'} at "
                    f"{ensure_ct2_model(source)[0]}")
        return done
    was = (converted_dir(source) / ".complete").is_file()
    hf_dir = ensure_converted(source)
    done.append(f"safetensors: {'ready' if was else 'converted'} at {hf_dir}")
    return done


def _backend_for(source: ModelSource, backend: str, device: str | None) -> str:
    from ..backends.select import BACKENDS, choose_backend

    if backend not in BACKENDS:
        raise ModelError(f"unknown backend {backend!r} (choose from {', '.join(BACKENDS)})")
    return choose_backend(source, device) if backend == "auto" else backend
