"""The realmodel tests run last, cheapest first, and those past the budget are skipped."""

from __future__ import annotations

import pytest

TESTS = '''
import pytest

def test_plain_first():
    pass

@pytest.mark.realmodel(seconds=300)
def test_dear():
    pass

@pytest.mark.realmodel(seconds=5)
def test_cheap():
    pass

def test_plain_second():
    pass
'''


@pytest.fixture
def run(pytester: pytest.Pytester):
    pytester.makeini("[pytest]\nmarkers =\n    realmodel: test\n")
    pytester.makepyfile(test_some=TESTS)

    def go(*args: str) -> pytest.RunResult:
        return pytester.runpytest_inprocess("-p", "tests.realmodel_budget", "-v", "-rs", *args)
    return go


def _order(result: pytest.RunResult) -> list[str]:
    return [line.split("::")[1].split()[0] for line in result.outlines
            if line.startswith("test_some.py::")]


def test_without_a_budget_nothing_moves_or_is_skipped(run) -> None:
    result = run()
    result.assert_outcomes(passed=4)
    assert _order(result) == ["test_plain_first", "test_dear", "test_cheap", "test_plain_second"]


def test_realmodel_tests_run_last_cheapest_first_while_they_fit(run) -> None:
    result = run("--realmodel-budget=120")
    result.assert_outcomes(passed=3, skipped=1)
    assert _order(result) == ["test_plain_first", "test_plain_second", "test_cheap", "test_dear"]
    assert "real-model check left out" in result.stdout.str()
    assert "SKIPPED" in next(line for line in result.outlines if "::test_dear" in line)


def test_a_budget_spent_skips_every_realmodel_test_and_nothing_else(run) -> None:
    run("--realmodel-budget=0").assert_outcomes(passed=2, skipped=2)
