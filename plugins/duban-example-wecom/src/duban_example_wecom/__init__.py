"""duban plugin example: a WeCom group-robot notifier that @-mentions the members of the
notified department, and an organisation directory read from a CSV file.

The hook implementations are in :mod:`duban_example_wecom.plugin`, which the ``duban``
entry point in ``pyproject.toml`` names.
"""

from duban_example_wecom.directory import CsvDirectory, Person
from duban_example_wecom.notifier import ExampleWeComNotifier

__all__ = ["CsvDirectory", "ExampleWeComNotifier", "Person"]
