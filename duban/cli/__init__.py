"""The ``duban`` command line. Only this layer prints; everything below returns data.

Each command lives in its own module under ``duban.cli`` and registers itself on
:data:`main` when imported; :func:`_load_commands` imports them in a fixed order.
"""

from __future__ import annotations

import importlib
import sys

import click

from duban.errors import DubanError

#: Command modules, imported on start-up. A module missing from the install is an error.
COMMAND_MODULES = (
    "duban.cli.policy_cmds",
    "duban.cli.time_cmds",
    "duban.cli.calendar_cmds",
    "duban.cli.engine_cmds",
    "duban.cli.compare_cmds",
    "duban.cli.demo_cmds",
    "duban.cli.ops_cmds",
    "duban.cli.diff_cmds",
    "duban.cli.test_cmds",
    "duban.cli.report_cmds",
    "duban.cli.migrate_cmds",
    "duban.cli.web_cmds",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="duban")
def main() -> None:
    """duban — 督查督办制度的 YAML 策略与执行引擎 (supervision policies as YAML)."""


def fail(err: DubanError, exit_code: int = 1) -> None:
    """Print a user error (never a traceback) and exit."""
    click.echo(str(err), err=True)
    sys.exit(exit_code)


def _load_commands() -> None:
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a command module not written yet
            if exc.name != name:
                raise


def _plugin_commands() -> None:
    """Commands that plugins add (``duban_register_commands``); a broken plugin is reported
    when a command needs it, not here, so ``duban --help`` always works."""
    try:
        from duban.plugins import Hooks, make_plugin_manager

        Hooks(make_plugin_manager(folder=None)).add_commands(main)
    except DubanError:
        pass


_load_commands()
_plugin_commands()
