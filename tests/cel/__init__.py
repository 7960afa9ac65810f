"""CEL conditions: compile-time checks, evaluation, and fuzzing of duban.policy.cel."""
