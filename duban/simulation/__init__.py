"""Simulation: a scenario (one story of items and dated steps) run under any policy.

Above the pure core: :mod:`scenario` parses the file, :mod:`runner` turns its steps into
events for the engine (in memory), :mod:`outcome` builds the outcome JSON of the contract,
:mod:`drive` runs the same steps through the real service, and :mod:`explain` says why an
item of a run ended as it did.

Its place among the layers: above the engine and the runtime (``drive`` uses the real
service), below reports, diff, the testing tools and the CLI, which read its runs.
"""
