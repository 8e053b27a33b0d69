"""Model ids come from the bytes of the weights, not from where they are installed."""

from __future__ import annotations

import hashlib
import json
import os

from briefing.models import fingerprint as fp
from briefing.models.load import GGUF_FORM, resolve


def test_same_bytes_in_two_places_get_one_id(tmp_path):
    a, b = tmp_path / "a" / "m.gguf", tmp_path / "b" / "m.gguf"
    for p in (a, b):
        p.parent.mkdir()
        p.write_bytes(b"GGUF" + b"x" * 1000)
    assert resolve(str(a)).model_id == resolve(str(b)).model_id
    assert resolve(str(a)).model_id.endswith(f"-g{GGUF_FORM}")
    b.write_bytes(b"GGUF" + b"y" * 1000)
    assert resolve(str(a)).model_id != resolve(str(b)).model_id


def test_digest_is_remembered_until_the_file_changes(tmp_path, monkeypatch, isolated_cache):
    f = tmp_path / "w.bin"
    f.write_bytes(b"weights")
    assert fp.file_sha256(f) == hashlib.sha256(b"weights").hexdigest()
    memo = json.loads((isolated_cache / "digests.json").read_text())
    assert any(k.startswith(str(f.resolve())) for k in memo)

    hashed: list[str] = []
    real = hashlib.sha256
    monkeypatch.setattr(fp.hashlib, "sha256", lambda *a: hashed.append("x") or real(*a))
    fp.file_sha256(f)
    assert hashed == []  # from the memo
    f.write_bytes(b"other weights")
    os.utime(f, ns=(1, 1))
    assert fp.file_sha256(f) == real(b"other weights").hexdigest()
    assert hashed == ["x"]


def test_memo_forgets_files_that_are_gone(tmp_path, isolated_cache):
    gone, kept = tmp_path / "gone.bin", tmp_path / "kept.bin"
    gone.write_bytes(b"1")
    kept.write_bytes(b"2")
    fp.file_sha256(gone)
    gone.unlink()
    fp.file_sha256(kept)
    keys = json.loads((isolated_cache / "digests.json").read_text())
    assert not any("gone.bin" in k for k in keys) and any("kept.bin" in k for k in keys)


def test_directory_fingerprint_covers_config_and_weights(tmp_path):
    d = tmp_path / "model"
    d.mkdir()
    (d / "config.json").write_text("{}")
    (d / "model.safetensors").write_bytes(b"a")
    first = fp.fingerprint(d)
    (d / "model.safetensors").write_bytes(b"b")
    os.utime(d / "model.safetensors", ns=(2, 2))
    assert fp.fingerprint(d) != first
