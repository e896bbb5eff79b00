"""``massage-timer diagram REGION... -o FILE.png``: render a highlighted diagram.

Used for the documentation and for checking the drawings by eye; needs no display
(Qt runs offscreen when no application exists yet).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from massage_timer.core.model import regions
from massage_timer.core.model.language import N_, _, ngettext
from massage_timer.core.storage.files import write_output
from massage_timer.core.storage.paths import AppPaths

NAME = "diagram"
HELP = N_("render a body diagram with the given regions highlighted to a PNG file")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "regions", nargs="*", metavar="REGION",
        help=_("region ids to highlight, e.g. suboccipitals upper-trapezius-left "
        "(paired muscles also take the name without -left/-right)"),
    )
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.png",
                        help=_("where to write the PNG ('-': standard output)"))
    parser.add_argument("--view", choices=("back", "side", "both"), default=None,
                        help=_("which drawing (default: the one holding the regions, "
                        "or both)"))
    parser.add_argument("--side", choices=("left", "right"), default=None,
                        help=_("the side being worked: paired names resolve to this side"))
    parser.add_argument("--size", type=int, default=600, metavar="PX",
                        help=_("height of the picture in pixels (64-4000, default 600)"))
    parser.add_argument("--background", default=None, metavar="COLOR",
                        help=_("background colour, e.g. white or '#202124' "
                        "(default: transparent)"))


def _known_ids() -> str:
    return ", ".join([*regions.REGIONS, *regions.BILATERAL])


def run(args: argparse.Namespace, paths: AppPaths) -> int:
    bad = [rid for rid in args.regions if not regions.is_known(rid)]
    if bad:
        print("massage-timer diagram: " + ngettext(
            "unknown region id: {ids}", "unknown region ids: {ids}", len(bad)).format(
                ids=", ".join(bad)), file=sys.stderr)
        print(_("Known ids: {ids}").format(ids=_known_ids()), file=sys.stderr)
        return 2
    to_stdout = str(args.output) == "-"
    if not to_stdout and args.output.suffix.lower() != ".png":
        print("massage-timer diagram: " + _(
            "{path}: the picture is a PNG: give a name ending in .png").format(
                path=args.output), file=sys.stderr)
        return 2
    if not 64 <= args.size <= 4000:
        print("massage-timer diagram: " + _("--size must be between {low} and {high}").format(
            low=64, high=4000), file=sys.stderr)
        return 2

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QGuiApplication

    from massage_timer.ui import diagram

    background = None
    if args.background is not None:
        background = QColor(args.background)
        if not background.isValid():
            print("massage-timer diagram: " + _("not a colour: {value}").format(
                value=args.background), file=sys.stderr)
            return 2

    view_names = {"back": _("back view"), "side": _("side view"), "both": _("both views")}
    view = args.view
    if view is None:
        views = {diagram.view_of(rid) for rid in args.regions}
        view = views.pop().value if len(views) == 1 else diagram.BOTH
    unseen = [rid for rid in args.regions
              if view != diagram.BOTH and diagram.view_of(rid).value != view]
    if unseen:
        # TRANSLATORS: {view} is "back view" or "side view".
        print("massage-timer diagram: " + ngettext(
            "{ids} is not drawn in the {view}: leave --view out, or give --view both",
            "{ids} are not drawn in the {view}: leave --view out, or give --view both",
            len(unseen)).format(ids=", ".join(unseen), view=view_names[view]),
            file=sys.stderr)
        return 2
    other_side = [rid for rid in args.regions
                  if args.side is not None and rid.endswith(
                      "-right" if args.side == "left" else "-left")]
    if other_side:
        print("massage-timer diagram: " + ngettext(
            "{ids} is on the other side than --side {side}",
            "{ids} are on the other side than --side {side}",
            len(other_side)).format(ids=", ".join(other_side), side=args.side),
            file=sys.stderr)
        return 2

    app = QGuiApplication.instance()
    if app is None:
        app = QGuiApplication(["massage-timer", "-platform", "offscreen"])
    image = diagram.render_png(view, args.regions, args.size, side=args.side,
                               background=background)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]  # stub wants bytes
        print("massage-timer diagram: " + _("could not encode the PNG"), file=sys.stderr)
        return 1
    buffer.close()
    try:
        if to_stdout:
            sys.stdout.buffer.write(bytes(data.data()))
            sys.stdout.buffer.flush()
            return 0
        write_output(args.output, bytes(data.data()), protected=paths.protected_files)
    except BrokenPipeError:
        raise  # the reader went away: the command ends quietly (cli.py)
    except OSError as err:
        print("massage-timer diagram: " + _("cannot write {path}: {reason}").format(
            path=args.output, reason=err.strerror), file=sys.stderr)
        return 1
    # TRANSLATORS: after "massage-timer diagram": the file, its size in pixels, the view.
    print(_("Wrote {path} ({width}x{height}, {view})").format(
        path=args.output, width=image.width(), height=image.height(),
        view=view_names.get(view, view)))
    return 0
