"""The corpus programs, run offline once per test session (two at a time)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.corpus.generate import cases, run_all


@pytest.fixture(scope="session")
def corpus_exports() -> dict[str, dict[str, Any] | Exception]:
    """Every case's stack export from the offline runner (or the error it raised), by case id."""
    return {case.id: result for case, result in run_all(cases(), workers=2)}
