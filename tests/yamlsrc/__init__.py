"""Tests of the strict YAML source loader (duban.policy.yamlsrc)."""
