"""Notifiers: deliver outbox messages (console built in; SMTP e-mail and JSON webhooks)."""
