"""How many threads the CPU backends take."""

from __future__ import annotations

from briefing.backends.cpu import cpu_threads, physical_cores


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
