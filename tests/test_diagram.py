"""Diagram rendering: every region lights up where it is drawn; avoid zones always show."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QRect, QRectF
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from massage_timer.commands import diagram as diagram_command
from massage_timer.core.model import regions
from massage_timer.core.model.regions import View
from massage_timer.core.storage.paths import AppPaths
from massage_timer.ui import diagram
from massage_timer.ui.diagram import DiagramView, region_bounds, render_png

SIZE = 300


def _pixel_rect(view: regions.View, element: str, image: QImage) -> QRect:
    box = diagram.view_rects((view,))[0]
    scale = image.height() / box.height()
    bounds = region_bounds(view, element)
    return QRectF(bounds.x() * scale, bounds.y() * scale,
                  bounds.width() * scale, bounds.height() * scale).toAlignedRect()


def _is_blank(image: QImage) -> bool:
    blank = QImage(image.size(), image.format())
    blank.fill(QColor(0, 0, 0, 0))
    return image == blank


def _has_colour(image: QImage, rect: QRect, want: QColor, tolerance: int = 40) -> bool:
    for y in range(rect.top(), rect.bottom() + 1):
        for x in range(rect.left(), rect.right() + 1):
            c = image.pixelColor(x, y)
            if (abs(c.red() - want.red()) < tolerance and abs(c.green() - want.green())
                    < tolerance and abs(c.blue() - want.blue()) < tolerance):
                return True
    return False


@pytest.mark.parametrize("region_id", list(regions.REGIONS))
def test_each_region_lights_up_within_its_bounds(qapp: object, region_id: str) -> None:
    view = regions.REGIONS[region_id].view
    plain = render_png(view.value, (), SIZE)
    lit = render_png(view.value, [region_id], SIZE)
    assert not _is_blank(lit)
    rect = _pixel_rect(view, region_id, lit)
    assert rect.width() > 2 and rect.height() > 2
    assert plain.copy(rect) != lit.copy(rect)
    assert _has_colour(lit, rect, QColor(diagram.ACCENT))
    assert not _has_colour(plain, rect, QColor(diagram.ACCENT))


def test_highlight_stays_on_its_own_side(qapp: object) -> None:
    plain = render_png("back", (), SIZE)
    left = render_png("back", ["upper-trapezius"], SIZE, side="left")
    assert left == render_png("back", ["upper-trapezius-left"], SIZE, side="left")
    right_rect = _pixel_rect(regions.View.BACK, "upper-trapezius-right", plain)
    left_rect = _pixel_rect(regions.View.BACK, "upper-trapezius-left", plain)
    assert plain.copy(right_rect) == left.copy(right_rect)
    assert _has_colour(left, left_rect, QColor(diagram.ACCENT))


@pytest.mark.parametrize("zone", list(regions.AVOID_ZONES))
def test_avoid_zones_are_always_marked(qapp: object, zone: str) -> None:
    view = regions.AVOID_ZONES[zone][1]
    everything = [r for r, reg in regions.REGIONS.items() if reg.view is view]
    for highlighted in ((), everything):
        image = render_png(view.value, highlighted, 600)
        rect = _pixel_rect(view, zone, image)
        assert _has_colour(image, rect, QColor(diagram.AVOID_RED), tolerance=50)


def test_both_views_side_by_side(qapp: object) -> None:
    back = render_png("back", (), SIZE)
    both = render_png("both", ["scalenes"], SIZE)
    assert both.height() == SIZE
    assert both.width() > back.width()


def test_unknown_region_is_refused(qapp: object) -> None:
    with pytest.raises(ValueError, match="no-such-muscle"):
        render_png("back", ["no-such-muscle"], SIZE)


def _shown(view: DiagramView) -> tuple[str, ...]:
    return view.highlighted


def test_diagram_view_describes_what_it_shows(qtbot: QtBot) -> None:
    view = DiagramView()
    qtbot.addWidget(view)
    view.resize(420, 300)
    assert view.objectName() == "diagramView"
    assert view.accessibleName()
    before = view.grab().toImage()
    view.set_regions(["upper-trapezius", "scalenes"], side="right")
    assert _shown(view) == ("scalenes", "upper-trapezius-right")
    description = view.accessibleDescription()
    assert "Upper trapezius, right" in description
    assert "Scalenes" in description
    assert "front of the neck" in description
    after = view.grab().toImage()
    assert before != after
    view.clear()
    assert _shown(view) == ()
    assert "No target" in view.accessibleDescription()


def test_a_diagram_keeps_only_the_views_it_shows(qtbot: QtBot) -> None:
    """A player shows a new highlight each step: the views parsed for earlier steps go."""
    from PySide6.QtSvg import QSvgRenderer

    view = DiagramView()
    qtbot.addWidget(view)
    view.resize(420, 300)
    images = []
    for regions_shown, side in [(["upper-trapezius"], "left"), (["upper-trapezius"], "right"),
                                (["levator-scapulae"], "left"), (["rhomboids"], None)]:
        view.set_regions(regions_shown, side=side)
        images.append(view.grab().toImage())
        qtbot.wait_until(lambda: len(view.findChildren(QSvgRenderer)) == 2)
    assert len(set(map(bytes, (i.constBits() for i in images)))) == 4  # each step drawn anew
    view.set_regions(["upper-trapezius"], side="left")
    assert view.grab().toImage() == images[0]  # parsed again, drawn the same


def _run_cli(argv: list[str], tmp_path: Path) -> int:
    parser = argparse.ArgumentParser()
    diagram_command.add_arguments(parser)
    return diagram_command.run(parser.parse_args(argv), AppPaths.portable(tmp_path / "app"))


def test_cli_writes_a_png(qapp: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                          ) -> None:
    out = tmp_path / "out" / "trap.png"
    out.parent.mkdir()  # a missing folder is refused (test_hostile_files.py)
    assert _run_cli(["upper-trapezius", "--side", "left", "--size", "200", "-o", str(out)],
                    tmp_path) == 0
    image = QImage(str(out))
    assert not image.isNull()
    assert image.height() == 200
    assert _has_colour(image, image.rect(), QColor(diagram.ACCENT))
    assert "back view" in capsys.readouterr().out


def test_cli_picks_both_views_for_mixed_regions(qapp: object, tmp_path: Path) -> None:
    out = tmp_path / "mixed.png"
    assert _run_cli(["suboccipitals", "scalenes", "-o", str(out), "--size", "120"],
                    tmp_path) == 0
    image = QImage(str(out))
    assert image.width() > image.height()


def test_cli_rejects_unknown_regions(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                     ) -> None:
    out = tmp_path / "bad.png"
    assert _run_cli(["neck-front", "-o", str(out)], tmp_path) == 2
    err = capsys.readouterr().err
    assert "unknown region id: neck-front" in err
    assert "suboccipitals" in err
    assert not out.exists()


def test_the_side_letters_follow_the_language() -> None:
    """The back view marks the person's left and right with the language's own
    initials (French G/D, Polish L/P), set in the drawing when it is rendered."""
    from massage_timer.core.model.pseudo import pseudo
    from massage_timer.core.storage.catalogs import use_language
    from massage_timer.ui.diagram import side_initials, styled_svg

    english = styled_svg(View.BACK, (), None, side_initials()).decode()
    assert 'id="label-left">L</text>' in english and 'id="label-right">R</text>' in english
    use_language("en_XA")
    try:
        left, right = side_initials()
        assert (left, right) == (pseudo("L"), pseudo("R"))
        shown = styled_svg(View.BACK, (), None, (left, right)).decode()
        assert f'id="label-left">{left}</text>' in shown
        assert f'id="label-right">{right}</text>' in shown
        assert styled_svg(View.BACK, (), None, ("G", "<&>")).decode().count(
            'id="label-right">&lt;&amp;&gt;</text>') == 1
    finally:
        use_language("en")


def _legend_lines(view: DiagramView) -> list[list[str]]:
    lines: dict[float, list[str]] = {}
    for item, _swatch, text in view.legend():
        lines.setdefault(text.top(), []).append(item.label)
    return [lines[top] for top in sorted(lines)]


def test_the_legend_wraps_onto_lines_rather_than_cut_a_label(qtbot: QtBot) -> None:
    view = DiagramView()
    qtbot.addWidget(view)
    view.set_regions(["upper-trapezius"], side="left")
    view.resize(900, 300)
    assert _legend_lines(view) == [["Target", "Never press", "Working: left side"]]
    view.resize(260, 300)
    lines = _legend_lines(view)
    assert len(lines) >= 2
    assert [label for line in lines for label in line] == [
        "Target", "Never press", "Working: left side"]
    for item, swatch, text in view.legend():
        assert QRectF(view.rect()).contains(swatch)
        needed = view.fontMetrics().horizontalAdvance(item.label)
        assert text.left() >= 0 and text.left() + needed <= view.width(), item.label
    tops = [text.top() for _item, _swatch, text in view.legend()]
    assert max(tops) + view.fontMetrics().height() <= view.height()


@pytest.mark.parametrize(("argv", "says"), [
    (["rhomboids", "--view", "side"], "rhomboids is not drawn in the side view"),
    (["scalenes", "suboccipitals", "--view", "back"], "scalenes is not drawn in the back view"),
    (["upper-trapezius-right", "--side", "left"],
     "upper-trapezius-right is on the other side than --side left"),
], ids=["side-view", "back-view", "other-side"])
def test_cli_refuses_regions_the_picture_would_not_show(
    qapp: object, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    argv: list[str], says: str,
) -> None:
    """``--view side rhomboids`` wrote a picture with nothing highlighted and said
    "Wrote ... side view"; ``--side left upper-trapezius-right`` was taken silently."""
    out = tmp_path / "x.png"
    assert _run_cli([*argv, "-o", str(out)], tmp_path) == 2
    assert says in capsys.readouterr().err
    assert not out.exists()
    assert _run_cli(["rhomboids", "--view", "both", "-o", str(out)], tmp_path) == 0


def test_a_left_side_step_shows_the_neck_from_the_left(qapp: object, qtbot: QtBot) -> None:
    """The side view faces right, showing the person's right side: a left-side stretch
    lit the scalenes on a drawing of the right side (left and right were the same
    picture, byte for byte). For the left side it is drawn mirrored."""
    left = render_png("side", ["scalenes"], size=200, side="left")
    right = render_png("side", ["scalenes"], size=200, side="right")
    assert left != right

    def lit_x(image: QImage) -> float:
        """The mean x of the highlight's colour."""
        accent = QColor(diagram.ACCENT)
        xs = [x for y in range(image.height()) for x in range(image.width())
              if QColor(image.pixel(x, y)) == accent]
        assert xs
        return sum(xs) / len(xs)

    # The same drawing, turned around: the highlight as far from the other edge.
    assert abs(lit_x(left) - (left.width() - 1 - lit_x(right))) < 3
    assert render_png("side", ["scalenes"], size=200) == right  # no side: as drawn
    view = DiagramView()
    qtbot.addWidget(view)
    view.resize(480, 260)
    view.show()
    view.set_regions(["scalenes"], "right")
    shown_right = view.grab().toImage()
    view.set_regions(["scalenes"], "left")
    assert view.grab().toImage() != shown_right


@pytest.mark.parametrize("muscle", ["suboccipitals", "middle-trapezius", "upper-erector-spinae"])
def test_a_one_sided_step_lights_one_side_of_every_muscle(qapp: object, muscle: str) -> None:
    """The suboccipitals, the middle trapezius and the upper erector spinae were each
    one drawing of both sides: a step worked on the left lit both."""
    assert muscle in regions.BILATERAL
    left_id, right_id = regions.BILATERAL[muscle]
    image = render_png("back", [muscle], size=400, side="left")
    accent = QColor(diagram.ACCENT)
    scale = 400 / diagram.view_rects([View.BACK])[0].height()

    def lit(region_id: str) -> int:
        box = region_bounds(View.BACK, region_id)
        return sum(QColor(image.pixel(round(x * scale), round(y * scale))) == accent
                   for x in range(int(box.left()), int(box.right()))
                   for y in range(int(box.top()), int(box.bottom())))

    assert lit(left_id) > 0 and lit(right_id) == 0


def test_a_right_to_left_legend_reads_from_the_right_and_the_body_stays(
    qtbot: QtBot,
) -> None:
    """In a right-to-left language "Target" came first at the far left, each swatch
    left of its label. The legend now reads from the right; the body is not mirrored."""
    from PySide6.QtCore import Qt

    view = DiagramView()
    qtbot.addWidget(view)
    view.set_regions(["upper-trapezius"], side="left")
    view.resize(900, 300)
    left_to_right = [(item.label, swatch, text) for item, swatch, text in view.legend()]
    body = view.placements()
    view.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    right_to_left = [(item.label, swatch, text) for item, swatch, text in view.legend()]
    assert [label for label, _s, _t in right_to_left] == [
        label for label, _s, _t in left_to_right]
    first = right_to_left[0]
    assert first[1].left() > right_to_left[-1][1].left(), "the first item is rightmost"
    for _label, swatch, text in right_to_left:
        assert swatch.left() >= text.right(), "each swatch right of its label"
    assert view.placements() == body


def test_the_body_keeps_its_size_when_the_legend_wraps(qtbot: QtBot) -> None:
    """Capped as a whole at 230 px, the library's diagram gave a two-line legend at a
    large text size its room, and the body shrank by a third."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QFont

    view = DiagramView()
    qtbot.addWidget(view)
    view.keep_body(160, QSize(480, 200))
    view.set_regions(["upper-trapezius"], side="left")
    font = QFont(view.font())
    font.setPointSizeF(font.pointSizeF() * 2.5)
    view.setFont(font)
    view.resize(420, 10)  # the library pane: with a side, the legend wraps
    view.resize(420, view.minimumHeight())
    lines = len({round(text.top()) for _item, _swatch, text in view.legend()})
    assert lines >= 2
    drawn = max(target.height() for _view, target in view.placements())
    assert drawn >= 160 - 8
    assert view.maximumHeight() >= 200 + lines * view.fontMetrics().height()
