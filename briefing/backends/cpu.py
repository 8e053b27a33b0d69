"""CPU facts the CPU backends size themselves by, and the memory they hand back."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import weakref
from collections.abc import Callable
from functools import cache
from typing import Any


def cpu_threads() -> int:
    """Threads a CPU backend uses: `$BRIEFING_THREADS` if set, else `$OMP_NUM_THREADS` (what
    Ray and job schedulers set to the CPUs a worker was given), else the physical cores.

    Never more threads than cores: llama.cpp's threads spin at a barrier after every
    operation, so two processes that each take every core slow each other down many times."""
    for name in ("BRIEFING_THREADS", "OMP_NUM_THREADS"):
        env = os.environ.get(name, "")
        if env.isdigit() and int(env) > 0:
            return int(env)
    return physical_cores()


@cache
def cpu_flags() -> frozenset[str]:
    """The instruction-set flags the CPU advertises (/proc/cpuinfo; empty where unreadable)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return frozenset(line.partition(":")[2].split())
    except OSError:
        pass
    return frozenset()


INT8_DOT_FLAGS = frozenset({"avx512_vnni", "avx_vnni", "amx_int8"})


def has_int8_dot() -> bool:
    """Whether the CPU has int8 dot-product instructions (AVX-512 VNNI, AVX-VNNI, AMX), which
    CTranslate2's int8 matrix products use; see `select.choose_backend` for what it changes."""
    return bool(cpu_flags() & INT8_DOT_FLAGS)


@cache
def physical_cores() -> int:
    """Physical cores this process may run on (hyper-threads share one core's math units).

    Decoding is bound by memory bandwidth and matrix units, so one thread per physical core is
    fastest; extra threads on sibling hyper-threads only contend.
    """
    try:
        allowed = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        allowed = os.cpu_count() or 1
    cores: set[tuple[str, str]] = set()
    try:
        phys = core = ""
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "physical id":
                    phys = value.strip()
                elif key == "core id":
                    core = value.strip()
                elif not line.strip() and core:
                    cores.add((phys, core))
                    phys = core = ""
        if core:
            cores.add((phys, core))
    except OSError:
        pass
    return max(1, min(allowed, len(cores) or allowed))


@cache
def _libc_function(name: str) -> Any:
    """The C library's function `name`, or None where there is none (not glibc: macOS, musl)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return getattr(libc, name)
    except (OSError, AttributeError):
        return None


def release_free_memory() -> None:
    """Hand the heap's free pages back to the OS (glibc `malloc_trim`; elsewhere a no-op).

    CTranslate2 reads its model file and builds each batch's activations on the C heap. After
    glibc has freed a large block it raises its mmap threshold, so later blocks of up to 32 MB
    come from the heap and, once freed, stay counted in the process's memory. Measured on the
    default model: loading it leaves 330 MB of freed pages behind (1,309 MB resident, 981 MB
    after a trim), a 12-article brief peaks 214 MB lower (2,116 against 1,902 MB) with a trim
    after loading and after each generate call, at the same speed. Fixing the mmap
    threshold instead gave the same peak but 20 times the page faults (sys 131 s against 6 s).
    """
    trim = _libc_function("malloc_trim")
    if trim is not None:
        trim(0)


_ROOM_MAKERS: list[weakref.WeakMethod[Callable[[], None]]] = []


def on_make_room(release: Callable[[], None]) -> None:
    """Have `make_room` call `release`, a bound method that lets its object's memory go until
    the object is next used (it is not kept alive for it)."""
    _ROOM_MAKERS.append(weakref.WeakMethod(release))  # type: ignore[arg-type]


def make_room() -> None:
    """Before a generation call, the process's peak: models that load again in a moment let
    their memory go (`on_make_room`), and the heap's free pages go back to the OS.

    A brief's memory peaks while the generator runs, with the models used between its calls
    resident beside it and idle. MiniLM on CTranslate2 holds ~95 MB (weights and kept batch
    buffers) and loads again in 0.04 s, a few times per brief (bench/README.md, "Memory, run
    26")."""
    for ref in list(_ROOM_MAKERS):
        release = ref()
        if release is None:
            _ROOM_MAKERS.remove(ref)
        else:
            release()
    release_free_memory()


_MADV_DONTNEED = 4  # Linux


def drop_mapped_pages(path: str | os.PathLike[str]) -> int:
    """Let go of this process's resident pages of the read-only mappings of file `path`;
    return the bytes of mapping advised (0 where there is none, or not on Linux).

    Why: OpenVINO's CPU plugin memory-maps the IR's weights file, reads it once to pack the
    weights into its own layout (in anonymous memory), and keeps the mapping, so the same
    weights stay counted twice in the process's memory (490 MB of the default model's IR after
    its first step). `MADV_DONTNEED` on a read-only file mapping only unmaps the pages: a
    later read faults them in again from the page cache, unchanged. Mappings that can be
    written are never touched (dropping them could lose writes)."""
    madvise = _libc_function("madvise")
    if madvise is None:
        return 0
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    madvise.restype = ctypes.c_int
    target = os.path.realpath(path)
    done = 0
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            lines = maps.readlines()
    except OSError:
        return 0
    for line in lines:
        parts = line.split(maxsplit=5)
        if len(parts) < 6 or parts[5].rstrip("\n") != target or "w" in parts[1]:
            continue
        start, end = (int(x, 16) for x in parts[0].split("-"))
        if madvise(start, end - start, _MADV_DONTNEED) == 0:
            done += end - start
    return done
