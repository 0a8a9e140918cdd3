"""The reliability suite (issue 14): short forms in ``make test``, long forms in ``make soak``."""

from __future__ import annotations

import pytest

from tests.support import soak


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in soak.lines:
        terminalreporter.write_line(line)
