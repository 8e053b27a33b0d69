"""How many threads the CPU backends take, and the memory they hand back."""

from __future__ import annotations

import gc
import mmap
import os
import sys
from pathlib import Path

import pytest

from briefing.backends import cpu
from briefing.backends.cpu import cpu_threads, drop_mapped_pages, make_room, physical_cores

from .samples import IdleModel


def test_threads_default_to_physical_cores(monkeypatch):
    monkeypatch.delenv("BRIEFING_THREADS", raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert cpu_threads() == physical_cores() >= 1


def test_a_worker_given_fewer_cpus_takes_fewer_threads(monkeypatch):
    """Ray sets OMP_NUM_THREADS to an actor's CPUs: two 1-CPU workers on two cores must not
    each start a thread per core."""
    monkeypatch.delenv("BRIEFING_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert cpu_threads() == 1


def test_briefing_threads_wins(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.setenv("BRIEFING_THREADS", "3")
    assert cpu_threads() == 3
    monkeypatch.setenv("BRIEFING_THREADS", "zero")  # not a number: ignored
    assert cpu_threads() == 1


def resident_kb(path: Path) -> int:
    """Resident kB of this process's mappings of `path` (/proc/self/smaps)."""
    target, total, inside = os.path.realpath(path), 0, False
    with open("/proc/self/smaps", encoding="utf-8") as f:
        for line in f:
            head = line.split()
            if head and "-" in head[0] and len(head) >= 5 and ":" in head[3]:
                inside = len(head) >= 6 and head[5] == target
            elif inside and line.startswith("Rss:"):
                total += int(head[1])
    return total


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and madvise: Linux")
def test_dropping_a_read_only_mapping_keeps_its_contents(tmp_path):
    """What the OpenVINO backend does to the weights file once the plugin has packed them:
    the pages leave this process's memory and come back, unchanged, when read again."""
    data = os.urandom(8 << 20)
    path = tmp_path / "weights.bin"
    path.write_bytes(data)
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        assert m[:] == data  # every page read: resident
        assert resident_kb(path) >= 8 << 10
        assert drop_mapped_pages(path) >= len(data)
        assert resident_kb(path) < 1 << 10
        assert m[:] == data  # read again from the page cache, the same bytes
    assert drop_mapped_pages(tmp_path / "not-mapped.bin") == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and madvise: Linux")
def test_a_mapping_that_can_be_written_is_never_dropped(tmp_path):
    """MADV_DONTNEED on a private writable mapping would throw away what was written."""
    path = tmp_path / "scratch.bin"
    path.write_bytes(bytes(1 << 20))
    with open(path, "r+b") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY) as m:
        m[:5] = b"hello"
        assert drop_mapped_pages(path) == 0
        assert m[:5] == b"hello"


def test_make_room_asks_what_registered_and_keeps_nothing_alive():
    idle, gone = IdleModel(), IdleModel()
    make_room()
    assert (idle.released, gone.released) == (1, 1)
    del gone  # the registry holds it weakly: it goes, and is forgotten at the next call
    gc.collect()
    make_room()
    assert idle.released == 2
    assert all(ref() is not None for ref in cpu._ROOM_MAKERS)
