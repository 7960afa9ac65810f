"""The pure core: apply(policy, item, event, now) -> (item, effects), timers, penalties.

Scenarios and their runs live above it, in :mod:`duban.simulation`."""
