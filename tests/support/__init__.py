"""Test support shared by the test suites (pytest fixtures live in submodules)."""
