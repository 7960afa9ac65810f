"""Testing helpers: expected outcomes for scenarios (``expect:``), used by ``duban test``,
the pytest plugin and the project's own policy tests."""
