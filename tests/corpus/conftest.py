"""The corpus programs, run offline once per test session (two at a time)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.corpus.generate import Case, cases, run_all


def _selected(session: pytest.Session) -> list[Case]:
    """The cases whose programs the collected tests need (all, when none is parametrized
    by case): ``pytest tests/corpus -k <rule-id>`` runs only that rule's programs."""
    wanted = {
        item.callspec.params["case"].id for item in session.items
        if "corpus_exports" in getattr(item, "fixturenames", ())
        and isinstance(getattr(getattr(item, "callspec", None), "params", {}).get("case"), Case)
    }
    every = cases()
    return [case for case in every if case.id in wanted] if wanted else every


@pytest.fixture(scope="session")
def corpus_exports(request: pytest.FixtureRequest) -> dict[str, dict[str, Any] | Exception]:
    """The stack export of each selected case from the offline runner (or the error it
    raised), by case id."""
    return {case.id: result for case, result in run_all(_selected(request.session), workers=2)}
