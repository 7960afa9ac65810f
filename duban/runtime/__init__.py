"""The imperative shell: the service (transactions, timers, outbox delivery)."""
