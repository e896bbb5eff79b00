"""The ``massage-timer`` commands' entry points; ``python -m massage_timer`` is the same.

They pause the cycle collector before anything else is imported
(:mod:`massage_timer.collector`), then hand over to :mod:`massage_timer.cli`, which is
imported only then: its imports are the first part of the start.
"""

import sys

from massage_timer import collector


def main() -> int:
    """The ``massage-timer`` command."""
    collector.pause()
    from massage_timer.cli import main as cli_main

    return cli_main()


def gui_main() -> int:
    """The ``massage-timer-gui`` command, for desktop launchers (no console window on
    Windows)."""
    collector.pause()
    from massage_timer.cli import gui_main as cli_gui_main

    return cli_gui_main()


if __name__ == "__main__":
    sys.exit(main())
