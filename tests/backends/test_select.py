"""Backend choice, and the messages a missing engine gives."""

from __future__ import annotations

import builtins
from pathlib import Path

import pytest

from briefing.backends import select
from briefing.errors import ModelError
from briefing.models.load import ModelSource


def _gguf(tmp_path: Path) -> ModelSource:
    f = tmp_path / "m.gguf"
    f.write_bytes(b"GGUF")
    return ModelSource(str(f), "gguf", f, "gguf-m-0")


def _hf(tmp_path: Path, kind: str = "hf-causal") -> ModelSource:
    return ModelSource(str(tmp_path), kind, tmp_path, "hf-x-0")


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch):
    """Pretend exactly the given engines are installed, on a machine without CUDA."""
    def set_(*names: str, int8_dot: bool = False) -> None:
        monkeypatch.setattr(select, "is_installed", lambda b: b in names)
        monkeypatch.setattr(select, "_cuda", lambda device: device == "cuda")
        monkeypatch.setattr(select, "has_int8_dot", lambda: int8_dot)
        monkeypatch.setattr(select, "openvino_fits", lambda source: True)
    return set_


def test_backends_tuple() -> None:
    assert select.BACKENDS == ("auto", "transformers", "openvino", "llama-cpp", "ctranslate2")


def test_auto_prefers_openvino_for_gguf_on_cpu(installed, tmp_path: Path) -> None:
    installed("transformers", "llama-cpp", "ctranslate2", "openvino", int8_dot=True)
    assert select.choose_backend(_gguf(tmp_path)) == "openvino"
    installed("transformers", "llama-cpp", "ctranslate2", "openvino")
    assert select.choose_backend(_gguf(tmp_path)) == "openvino"
    # it reads GGUF models only, and runs on the CPU
    assert select.choose_backend(_hf(tmp_path)) == "ctranslate2"
    assert select.choose_backend(_gguf(tmp_path), device="cuda") == "transformers"


def test_auto_prefers_llama_cpp_for_gguf_on_cpu(installed, tmp_path: Path) -> None:
    installed("transformers", "llama-cpp", "ctranslate2")
    assert select.choose_backend(_gguf(tmp_path)) == "llama-cpp"


def test_auto_prefers_ctranslate2_on_cpus_with_int8_dot_products(installed,
                                                                  tmp_path: Path) -> None:
    installed("transformers", "llama-cpp", "ctranslate2", int8_dot=True)
    assert select.choose_backend(_gguf(tmp_path)) == "ctranslate2"
    assert select.choose_backend(_hf(tmp_path)) == "ctranslate2"
    assert select.choose_backend(_hf(tmp_path, "hf-seq2seq")) == "transformers"
    assert select.choose_backend(_gguf(tmp_path), device="cuda") == "transformers"
    installed("transformers", "llama-cpp", int8_dot=True)  # not installed: llama.cpp as before
    assert select.choose_backend(_gguf(tmp_path)) == "llama-cpp"


def test_int8_dot_products_read_from_cpu_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.backends import cpu

    monkeypatch.setattr(cpu, "cpu_flags", lambda: frozenset({"avx2", "fma"}))
    assert not cpu.has_int8_dot()
    monkeypatch.setattr(cpu, "cpu_flags", lambda: frozenset({"avx2", "avx_vnni"}))
    assert cpu.has_int8_dot()


def test_auto_falls_back_to_ctranslate2_then_transformers(installed, tmp_path: Path) -> None:
    installed("transformers", "ctranslate2")
    assert select.choose_backend(_gguf(tmp_path)) == "ctranslate2"
    installed("transformers")
    assert select.choose_backend(_gguf(tmp_path)) == "transformers"


def test_auto_hf_directory_never_llama_cpp(installed, tmp_path: Path) -> None:
    installed("transformers", "llama-cpp")
    assert select.choose_backend(_hf(tmp_path)) == "transformers"
    installed("transformers", "llama-cpp", "ctranslate2")
    assert select.choose_backend(_hf(tmp_path)) == "ctranslate2"
    assert select.choose_backend(_hf(tmp_path, "hf-seq2seq")) == "transformers"


def test_auto_cuda_means_transformers(installed, tmp_path: Path) -> None:
    installed("transformers", "llama-cpp", "ctranslate2")
    assert select.choose_backend(_gguf(tmp_path), device="cuda") == "transformers"


def test_auto_logs_its_choice(installed, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    installed("transformers")
    made, logged = [], []

    class Fake:
        def __init__(self, source, device=None) -> None:
            made.append(source)

    import briefing.backends.transformers_backend as tb

    monkeypatch.setattr(tb, "TransformersGenerator", Fake)
    monkeypatch.setattr(select, "log", logged.append)
    source = _gguf(tmp_path)
    assert isinstance(select.make_generator(source), Fake)
    assert made == [source]
    assert logged == ["Backend: transformers"]


def test_unknown_backend(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="unknown backend 'vllm'"):
        select.make_generator(_gguf(tmp_path), backend="vllm")


def _hide(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    real = builtins.__import__

    def fake(name, *args, **kwargs):
        if name == module or name.startswith(module + "."):
            raise ImportError(f"No module named {module!r}")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)


@pytest.mark.parametrize(("backend", "module", "command"), [
    ("llama-cpp", "llama_cpp", "pip install llama-cpp-python=="),
    ("ctranslate2", "ctranslate2", "pip install ctranslate2=="),
    ("openvino", "openvino_genai", "pip install openvino-genai=="),
])
def test_missing_backend_names_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, backend: str, module: str, command: str
) -> None:
    _hide(monkeypatch, module)
    with pytest.raises(ModelError, match=f"{backend} backend is not installed") as e:
        select.make_generator(_gguf(tmp_path), backend=backend)
    assert command in str(e.value)


def test_llama_cpp_refuses_hf_directory(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="GGUF files only"):
        select.make_generator(_hf(tmp_path), backend="llama-cpp")


def test_openvino_refuses_hf_directory_and_cuda(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="GGUF models only"):
        select.make_generator(_hf(tmp_path), backend="openvino")
    with pytest.raises(ModelError, match="runs on the CPU"):
        select.make_generator(_gguf(tmp_path), backend="openvino", device="cuda")


REAL_OPENVINO_FITS = select.openvino_fits


def test_auto_leaves_openvino_where_memory_is_short(installed, monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    from briefing.models import load

    installed("transformers", "ctranslate2", "openvino", int8_dot=True)
    monkeypatch.setattr(select, "openvino_fits", REAL_OPENVINO_FITS)
    monkeypatch.setattr(select, "_fits", {})

    def source(name: str) -> ModelSource:
        f = tmp_path / f"{name}.gguf"
        f.write_bytes(b"x" * 1000)  # OpenVINO's peak: 5x the GGUF
        return ModelSource(str(f), "gguf", f, f"gguf-{name}-0")

    monkeypatch.setattr(load, "available_memory", lambda: 4999)
    short = source("short")
    assert select.choose_backend(short) == "ctranslate2"
    monkeypatch.setattr(load, "available_memory", lambda: 5000)
    assert select.choose_backend(source("enough")) == "openvino"
    # decided once per model in a process: the cache key and the generator name one engine
    assert select.choose_backend(short) == "ctranslate2"
    monkeypatch.setattr(load, "available_memory", lambda: None)  # unknown: no reason to refuse
    assert select.choose_backend(source("unknown")) == "openvino"
