"""The pure core: apply(policy, item, event, now) -> (item, effects), timers, penalties,
the scenario runner and outcome contract."""
