"""Command line: ``massage-timer`` starts the app; subcommands print to the terminal.

Each subcommand is a module in :mod:`massage_timer.commands` with ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args, paths) -> int``; heavy imports (Qt) happen
inside ``run`` so that ``validate`` and friends start fast and need no display.
Starting the app imports none of the subcommand modules: the arguments are first
read by a parser without subcommands, and only what that parser does not accept
(a subcommand, ``--help``, a mistake) goes to the full parser.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import os
import sys
import typing
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from massage_timer import APP_DISPLAY_NAME, APP_NAME, __version__, collector
from massage_timer.core.model.language import _, negotiate
from massage_timer.core.storage.catalogs import use_language
from massage_timer.core.storage.paths import AppPaths

SUBCOMMANDS = ("validate", "routines", "diagram", "history")


def _command_modules() -> list[ModuleType]:
    return [importlib.import_module(f"massage_timer.commands.{name}") for name in SUBCOMMANDS]


def _add_common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        default=default,
        help=_("keep everything the app writes (settings, history, user routines, cache) "
               "under DIR instead of the usual folders (portable mode)"),
    )
    parser.add_argument(
        "--routines-dir",
        type=Path,
        metavar="DIR",
        action="append",
        default=default,
        help=_("also load routines from DIR (repeatable)"),
    )


class _QuickParseError(Exception):
    """The quick parser cannot handle these arguments; the full parser will."""


class _QuickParser(argparse.ArgumentParser):
    def error(self, message: str) -> typing.NoReturn:
        raise _QuickParseError(message)


def build_parser(*, subcommands: bool = True) -> argparse.ArgumentParser:
    """The command line parser; without ``subcommands``, only the app's own options
    (no ``--help`` either) and no subcommand module is imported."""
    parser = (argparse.ArgumentParser if subcommands else _QuickParser)(
        prog=APP_NAME,
        add_help=subcommands,
        description=_("{app}: guided self-massage and stretching for the neck, "
                      "shoulders and upper back. With no command, starts the app.").format(
            app=APP_DISPLAY_NAME
        ),
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    _add_common(parser, suppress=False)
    parser.add_argument(
        "--self-check",
        action="store_true",
        help=_("check that the app can run here and print a report (useful for bug reports)"),
    )
    parser.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help=_("add Massage Timer to the desktop's application menu (~/.local/share)"),
    )
    parser.add_argument(
        "--uninstall-desktop-entry",
        action="store_true",
        help=_("remove the menu entry added by --install-desktop-entry"),
    )
    parser.add_argument(
        "--background",
        action="store_true",
        help=_("start in the background (tray and reminders only), as at login"),
    )
    if not subcommands:
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _command_modules():
        cmd = sub.add_parser(module.NAME, help=_(module.HELP), description=_(module.HELP))
        cmd.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
        _add_common(cmd, suppress=True)
        module.add_arguments(cmd)
        cmd.set_defaults(handler=module.run)
    return parser


def paths_from_args(args: argparse.Namespace) -> AppPaths:
    return AppPaths.from_options(args.data_dir, args.routines_dir)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse ``argv``; the subcommand modules are imported only when they are needed."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        args, rest = build_parser(subcommands=False).parse_known_args(arguments)
    except _QuickParseError:
        rest = arguments
    if not rest:
        args.command = None
        return args
    return build_parser().parse_args(arguments)


def main(argv: Sequence[str] | None = None) -> int:
    # The terminal speaks the environment's language; the app's windows switch to the
    # ``language`` setting when they start (ui/app.py).
    use_language(negotiate(os.environ))
    args = parse_args(argv)
    paths = paths_from_args(args)
    command = _command(args)
    if command is not None:
        collector.resume()  # a command's own work is no start-up
        return command(args, paths)
    # The Qt-free modules the first paint needs, imported before Qt on purpose: once
    # PySide6 is loaded, every import goes through its hooks (the ``__feature__`` one is
    # taken off again by massage_timer.ui, the lazy-class one stays), a cost per import.
    from massage_timer.commands.display import display_problem

    problem = display_problem()
    if problem is not None:
        print(_("{app}: cannot show a window here: {problem}. Start it from a desktop "
                "session; '{app} --help' lists the commands that need no window.").format(
                    app=APP_NAME, problem=problem),
              file=sys.stderr)
        return 2
    from massage_timer.ui.app import run_app

    return run_app(args, paths)


def _command(args: argparse.Namespace) -> Callable[[argparse.Namespace, AppPaths], int] | None:
    """What ``args`` ask for instead of starting the app, if anything."""
    if args.self_check:
        from massage_timer.commands import selfcheck

        return selfcheck.run
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        from massage_timer.commands import desktop

        return desktop.run
    handler: Callable[[argparse.Namespace, AppPaths], int] | None = getattr(
        args, "handler", None)
    if handler is None:
        return None
    return lambda args, paths: _run_command(handler, args, paths)


def _run_command(
    handler: Callable[[argparse.Namespace, AppPaths], int],
    args: argparse.Namespace,
    paths: AppPaths,
) -> int:
    """Run a subcommand so that its output can never end in a traceback: text the
    terminal's encoding cannot show is replaced, a reader that went away (``| head``)
    ends the command quietly, and a full or failing device is one line on stderr."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    try:
        status = int(handler(args, paths))
        sys.stdout.flush()
    except BrokenPipeError:
        # Nothing more can reach the reader; keep the final flush at exit from failing.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(_("{app}: cannot write the output: {error}").format(
            app=APP_NAME, error=exc.strerror or exc), file=sys.stderr)
        return 1
    return status


def gui_main() -> int:
    """Entry point for desktop launchers (no console window on Windows)."""
    return main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
