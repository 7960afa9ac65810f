"""Benchmarks (`make bench`): ratios against what a user would otherwise use, measured in
the same run on the machine at hand. Never used as assertions in tests."""
