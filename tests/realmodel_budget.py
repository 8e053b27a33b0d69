"""`--realmodel-budget`: the realmodel tests run last, cheapest first, and only those that fit.

CI runs `make test` on 2-core machines of several kinds; the tests that run the default model
take minutes, and more on slow CPUs. Each carries its own estimate,
`@pytest.mark.realmodel(seconds=N)` (measured on a 2-core machine), and is skipped, with the
reason in the `-ra` summary, when the session has run so long that it would end past the
budget."""

from __future__ import annotations

import time

import pytest

_STARTED = pytest.StashKey[float]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--realmodel-budget", type=float, default=None, metavar="SECONDS",
        help="run the realmodel tests last, cheapest first, each only if it should end within "
             "SECONDS of the session's start by its `seconds` (CI: they run where they fit)")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_STARTED] = time.monotonic()


def _cost(item: pytest.Item) -> float:
    """A realmodel test's own estimate of its run time (`@pytest.mark.realmodel(seconds=N)`,
    measured on a 2-core machine); 0 for the others."""
    mark = item.get_closest_marker("realmodel")
    return float(mark.kwargs.get("seconds", 60)) if mark else 0.0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--realmodel-budget") is not None:  # stable: the others keep their order
        items.sort(key=lambda item: (item.get_closest_marker("realmodel") is not None,
                                     _cost(item)))


def pytest_runtest_setup(item: pytest.Item) -> None:
    budget = item.config.getoption("--realmodel-budget")
    if budget is None or item.get_closest_marker("realmodel") is None:
        return
    spent = time.monotonic() - item.config.stash[_STARTED]
    if spent + _cost(item) > budget:
        pytest.skip(f"real-model check left out: {spent:.0f} s run and ~{_cost(item):.0f} s "
                    f"more would pass --realmodel-budget={budget:.0f}")
