"""``python -m massage_timer`` is the same as the ``massage-timer`` command."""

import sys

from massage_timer.cli import main

sys.exit(main())
