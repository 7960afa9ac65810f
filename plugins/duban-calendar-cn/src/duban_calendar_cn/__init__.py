"""duban-calendar-cn: the official arrangements of the years duban's built-in data lacks."""
