"""Tests of the working-day calendar, durations, deadlines and the time CLI."""
