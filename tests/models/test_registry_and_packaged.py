import hashlib

import pytest

from briefing.errors import ModelError
from briefing.models import packaged
from briefing.models.load import resolve
from briefing.models.registry import PACKAGED, PackagedModel


def test_known_names():
    assert {"qwen-0.5b", "qwen-1.5b", "smollm2-135m"} <= set(PACKAGED)


def test_missing_package_names_install_command():
    fake = PackagedModel("ghost", "", "ghost.gguf", ("no-such-package-xyz",), "1.0", None, None,
                         "MIT", "pip install no-such-package-xyz==1.0")
    with pytest.raises(ModelError, match="pip install no-such-package-xyz"):
        packaged.part_files(fake)


def _fake_model(tmp_path, monkeypatch, parts: list[bytes], sha: str | None, size: int | None,
                name: str = "fake.gguf"):
    files = []
    for i, data in enumerate(parts):
        f = tmp_path / f"part{i:02d}.bin"
        f.write_bytes(data)
        files.append(f)
    monkeypatch.setattr(packaged, "part_files", lambda m: files)
    return PackagedModel("fake", "", name, ("p1", "p2"), "1", size, sha, "MIT", "pip x")


def test_parts_are_concatenated_and_verified(tmp_path, monkeypatch):
    parts = [b"GGUF" + b"a" * 100, b"b" * 50]
    whole = b"".join(parts)
    m = _fake_model(tmp_path, monkeypatch, parts, hashlib.sha256(whole).hexdigest(), len(whole))
    path = packaged.gguf_path(m, show_progress=False)
    assert path.read_bytes() == whole
    assert packaged.gguf_path(m, show_progress=False) == path  # reused


def test_checksum_mismatch_is_refused_and_leaves_nothing(tmp_path, monkeypatch, isolated_cache):
    parts = [b"GGUF" + b"a" * 10]
    m = _fake_model(tmp_path, monkeypatch, parts, "0" * 64, len(parts[0]), name="bad.gguf")
    with pytest.raises(ModelError, match="sha256"):
        packaged.gguf_path(m, show_progress=False)
    assert not [p for p in isolated_cache.rglob("bad.*")]


def test_size_mismatch_is_refused(tmp_path, monkeypatch):
    m = _fake_model(tmp_path, monkeypatch, [b"abc"], None, 999)
    with pytest.raises(ModelError, match="expected 999"):
        packaged.gguf_path(m, show_progress=False)


def test_resolve_rejects_unknown_and_non_gguf(tmp_path):
    with pytest.raises(ModelError, match="neither a known name"):
        resolve("no-such-model")
    f = tmp_path / "weights.bin"
    f.write_bytes(b"x")
    with pytest.raises(ModelError, match="not a .gguf"):
        resolve(str(f))
    with pytest.raises(ModelError, match="no config.json"):
        resolve(str(tmp_path))


def test_resolve_hf_directory_kinds(tmp_path):
    (tmp_path / "config.json").write_text('{"is_encoder_decoder": true}')
    assert resolve(str(tmp_path)).kind == "hf-seq2seq"
    (tmp_path / "config.json").write_text('{"model_type": "qwen2"}')
    assert resolve(str(tmp_path)).kind == "hf-causal"


def test_too_little_memory_names_the_smaller_model():
    from briefing.models.load import check_memory

    with pytest.raises(ModelError, match="--model qwen-0.5b"):
        check_memory(8 * 2**30, "qwen-1.5b", available=2 * 2**30)
    check_memory(2**30, "qwen-1.5b", available=2 * 2**30)  # fits: no error


def test_memory_estimate_grows_from_gguf_size(tmp_path):
    from briefing.models.load import ModelSource, estimated_memory

    g = tmp_path / "m.gguf"
    g.write_bytes(b"x" * 1000)
    src = ModelSource(str(g), "gguf", g, "unconverted-test-model")
    assert estimated_memory(src, "cpu") >= 5000


def test_single_file_model_is_verified_in_place(tmp_path, monkeypatch):
    f = tmp_path / "one.gguf"
    f.write_bytes(b"GGUF" + b"w" * 64)
    monkeypatch.setattr(packaged, "part_files", lambda m: [f])
    good = PackagedModel("one", "", "one.gguf", ("p",), "1", None,
                         hashlib.sha256(f.read_bytes()).hexdigest(), "MIT", "pip install p==1")
    assert packaged.gguf_path(good, show_progress=False) == f
    bad = PackagedModel("one", "", "one.gguf", ("p",), "1", None, "0" * 64, "MIT",
                        "pip install p==1")
    with pytest.raises(ModelError, match="does not match.*pip install p==1"):
        packaged.gguf_path(bad, show_progress=False)


def test_every_packaged_model_has_a_checksum():
    """The checksum is the model's id: without it a reinstall would convert it again."""
    assert all(m.sha256 and len(m.sha256) == 64 for m in PACKAGED.values())
