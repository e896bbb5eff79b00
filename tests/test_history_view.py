"""The history window: lazy table, SQL sorting and filters, deleting, charts, export."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import export_reading
import pytest
import shiboken6
from large_text import large_font
from PySide6.QtCharts import QBarSeries, QCategoryAxis, QChartView, QLineSeries
from PySide6.QtCore import QDate, QDateTime, QEvent, QLocale, Qt, QTime, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDateEdit,
    QGraphicsTextItem,
    QMessageBox,
    QTableView,
)
from pytestqt.qtbot import QtBot

from massage_timer.core.model.language import _
from massage_timer.core.model.session import Outcome
from massage_timer.core.storage.history.store import HistoryStore, SessionRecord
from massage_timer.core.storage.paths import AppPaths
from massage_timer.ui.desktop.language import apply_language
from massage_timer.ui.history.chart_panel import LABEL_PADDING, date_labels, value_ticks
from massage_timer.ui.history.history_view import PAGE_SIZE, HistoryView, date_time_format
from massage_timer.ui.plain import PlainLabel
from massage_timer.ui.theme import dark_palette, light_palette

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 5, 20, 16, 0, tzinfo=UTC)


def records(n: int, *, pain: int | None = 3) -> Iterator[SessionRecord]:
    for i in range(n):
        at = NOW - timedelta(hours=5 * (n - i))
        yield SessionRecord(
            id=0, routine_id=("neck", "back")[i % 2],
            routine_title=("Neck release", "Upper back")[i % 2], routine_version="1",
            content_hash=None, planned_seconds=300.0, steps_total=6, checklist_version="1",
            checklist_confirmed_at=at, pain_before=pain, pain_after=None if pain is None else 1,
            started_at=at, ended_at=at + timedelta(minutes=5),
            outcome=(Outcome.COMPLETED, Outcome.STOPPED, Outcome.INTERRUPTED)[i % 3],
            active_seconds=100.0 + i, steps_completed=6 - i % 3, current_step=4,
        )


@pytest.fixture
def store() -> Iterator[HistoryStore]:
    s = HistoryStore.memory_only(now=lambda: NOW)
    s.add_sessions(records(450))
    yield s
    s.close()


@pytest.fixture
def view(qtbot: QtBot, store: HistoryStore) -> Iterator[HistoryView]:
    widget = HistoryView(store, tz=BERLIN, now=lambda: NOW)
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.show()
    qtbot.waitUntil(lambda: widget.figures["week"].text() != "…", timeout=2000)
    yield widget
    # Gone before the store closes: the language switched back after each test would
    # have it refresh its figures from a closed store.
    widget.close()
    shiboken6.delete(widget)


def test_model_loads_pages_lazily(view: HistoryView, qtbot: QtBot) -> None:
    model = view.model
    assert model.total == 450
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore()
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > PAGE_SIZE, timeout=2000)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 450
    starts = [model.record(i).started_at for i in range(450)]  # type: ignore[union-attr]
    assert starts == sorted(starts, reverse=True)
    assert model.index(0, 0).data() == QLocale().toString(
        QDateTime(QDate(2026, 5, 20), QTime(13, 0)), date_time_format())
    assert view.count_label.text() == "450 sessions"


def test_dates_and_times_follow_the_locale(view: HistoryView) -> None:
    """The table writes the locale's own date order and clock; the date filters too."""
    try:
        for name, expected, edits in (("en_US", "Wed 5/20/26  1:00\u202fPM", "M/d/yy"),
                                      ("de_DE", "Mi. 20.05.26  13:00", "dd.MM.yy"),
                                      ("C", "Wed 2026-05-20  13:00", "yyyy-MM-dd")):
            QLocale.setDefault(QLocale(name))
            view.model.retranslate()
            assert view.model.index(0, 0).data().replace(" PM", "\u202fPM") == expected
            QApplication.sendEvent(view, QEvent(QEvent.Type.LanguageChange))
            assert view.since_edit.displayFormat() == edits
            assert view.until_edit.displayFormat() == edits
    finally:
        QLocale.setDefault(QLocale.system())


def test_sorting_by_any_column_uses_the_store(view: HistoryView) -> None:
    model = view.model
    view.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 2).data() == "9:09"  # 100 + 449 seconds
    view.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    assert model.index(0, 2).data() == "1:40"
    view.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert model.index(0, 1).data() == "\u2068Neck release\u2069"
    assert model.index(PAGE_SIZE - 1, 1).data() == "\u2068Neck release\u2069"
    view.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    assert model.index(0, 3).data() == "Completed"
    view.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 3).data() == "Stopped after 5 of 6 steps"
    view.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 4).data() == "3 → 1"


def test_filters_by_routine_and_dates(view: HistoryView) -> None:
    combo = view.findChild(QComboBox, "historyRoutineCombo")
    assert combo is not None
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "All routines", "\u2068Neck release\u2069", "\u2068Upper back\u2069"]
    combo.setCurrentIndex(2)
    assert view.model.total == 225
    assert {view.model.index(i, 1).data() for i in range(view.model.rowCount())} == {
        "\u2068Upper back\u2069"}
    view.range_check.setChecked(True)
    since = view.findChild(QDateEdit, "historySinceEdit")
    until = view.findChild(QDateEdit, "historyUntilEdit")
    assert since is not None and until is not None
    since.setDate(QDate(2026, 5, 19))
    until.setDate(QDate(2026, 5, 19))
    days = {view.model.record(i).started_at.astimezone(BERLIN).date()  # type: ignore[union-attr]
            for i in range(view.model.rowCount())}
    assert days == {date(2026, 5, 19)}
    assert view.count_label.text() == f"{view.model.total} sessions"
    combo.setCurrentIndex(0)
    assert view.model.total == 5  # one every five hours
    view.range_check.setChecked(False)
    assert view.model.total == 450


def test_delete_needs_confirmation(view: HistoryView, store: HistoryStore,
                                   qtbot: QtBot) -> None:
    answers: list[str] = []

    def refuse(title: str, text: str) -> bool:
        answers.append(title)
        return False

    view.confirm = refuse
    assert not view.delete_button.isEnabled()
    view.table.setFocus()
    view.table.selectRow(0)
    assert view.delete_button.isEnabled()
    first = view.selected_record()
    assert first is not None
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)  # type: ignore[no-untyped-call]
    assert answers == ["Delete session"]
    assert store.get(first.id) is not None
    view.confirm = lambda title, text: True
    with qtbot.waitSignal(view.historyChanged, timeout=1000):
        qtbot.keyClick(view.table, Qt.Key.Key_Delete)  # type: ignore[no-untyped-call]
    assert store.get(first.id) is None
    assert view.model.total == 449
    assert view.selected_record() is not None
    with qtbot.waitSignal(view.historyChanged, timeout=1000):
        view.delete_button.click()
    assert store.count() == 448


def click_in_next_dialog(button: QMessageBox.StandardButton, seen: list[str]) -> None:
    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        target = box.button(button)
        assert isinstance(target, QAbstractButton)
        target.click()

    QTimer.singleShot(0, answer)


def test_delete_all_asks_in_a_dialog(view: HistoryView, store: HistoryStore) -> None:
    seen: list[str] = []
    click_in_next_dialog(QMessageBox.StandardButton.Cancel, seen)
    assert view.delete_all() is False
    assert store.count() == 450 and "450 sessions" in seen[0]
    click_in_next_dialog(QMessageBox.StandardButton.Yes, seen)
    assert view.delete_all() is True
    assert store.count() == 0
    assert view.model.rowCount() == 0
    assert not view.delete_all_button.isEnabled()
    assert not view.export_button.isEnabled()


def test_summary_charts_and_banner(view: HistoryView, qtbot: QtBot) -> None:
    assert view.figures["streak"].text().endswith("days")
    assert "\u2068Neck release\u2069 (225)" in view.figures["top"].text()
    bars = [s for s in view.sessions_chart.chart().series() if isinstance(s, QBarSeries)]
    assert len(bars) == 1
    values = [bars[0].barSets()[0].at(i) for i in range(bars[0].barSets()[0].count())]
    assert len(values) == 12 and sum(values) > 0
    lines = [s for s in view.pain_chart.chart().series() if isinstance(s, QLineSeries)]
    assert [s.name() for s in lines] == ["Before", "After"]
    assert lines[0].count() > 0
    assert view.banner.isVisible()
    assert "physiotherapist" in view.banner.text()
    assert "before 3.0" in view.pain_chart.accessibleDescription()


def test_no_banner_without_pain_ratings(qtbot: QtBot) -> None:
    store = HistoryStore.memory_only()
    store.add_sessions(records(40, pain=None))
    widget = HistoryView(store, tz=BERLIN, now=lambda: NOW)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.figures["week"].text() != "…", timeout=2000)
    assert not widget.banner.isVisible()
    store.close()


def test_export_runs_off_the_ui_thread(view: HistoryView, qtbot: QtBot,
                                      tmp_path: Path) -> None:
    target = tmp_path / "history.csv"
    view.choose_export_path = lambda: (target, "csv")
    view.routine_combo.setCurrentIndex(1)
    with qtbot.waitSignal(view.exportFinished, timeout=5000) as blocker:
        view.export_button.click()
    assert blocker.args == [str(target), 225]
    rows = list(export_reading.read_csv(target.read_text(encoding="utf-8-sig")))
    assert len(rows) == 225 and {r["routine_id"] for r in rows} == {"neck"}
    assert view.export_button.isEnabled()
    view.choose_export_path = lambda: None
    assert view.export() is False


def failed_export(view: HistoryView, qtbot: QtBot, target: Path, fmt: str = "csv") -> str:
    """Export to ``target``, which must fail: the message said, its box closed."""
    view.choose_export_path = lambda: (target, fmt)
    with qtbot.waitSignal(view.exportFailed, timeout=5000) as blocker:
        view.export()
    dialog = view.findChild(QMessageBox, "historyExportFailedDialog")
    assert dialog is not None
    dialog.close()
    return str(blocker.args[0])


def test_export_failure_is_reported(view: HistoryView, qtbot: QtBot, tmp_path: Path) -> None:
    blocker_file = tmp_path / "not-a-folder"
    blocker_file.write_text("x")
    assert "Could not write" in failed_export(view, qtbot, blocker_file / "out.json", "json")


def test_widgets_are_named_and_follow_the_palette(view: HistoryView, qtbot: QtBot) -> None:
    assert view.objectName() == "historyView"
    for cls in (QAbstractButton, QComboBox, QDateEdit, QTableView):
        for widget in view.findChildren(cls):
            if widget.objectName().startswith("qt_"):
                continue  # Qt's own parts (the table's corner button)
            assert widget.objectName(), widget
            assert widget.accessibleName(), widget.objectName()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    old = app.palette()
    try:
        app.setPalette(dark_palette())
        qtbot.waitUntil(lambda: view.sessions_chart.chart().backgroundBrush().color()
                        == dark_palette().base().color(), timeout=2000)
        app.setPalette(light_palette())
        qtbot.waitUntil(lambda: view.sessions_chart.chart().backgroundBrush().color()
                        == light_palette().base().color(), timeout=2000)
    finally:
        app.setPalette(old)


@pytest.mark.parametrize("keys", ["Escape", "Ctrl+W"])
def test_the_history_window_closes_with_esc_and_ctrl_w(
    qtbot: QtBot, store: HistoryStore, keys: str
) -> None:
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QWidget

    from massage_timer.ui.history_window import HistoryWindow

    parent = QWidget()
    qtbot.addWidget(parent)
    history = HistoryWindow(parent)
    history.show(store)
    assert history.view is not None
    window = history.view.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    sequence = QKeySequence(keys)[0]
    qtbot.keyClick(window, sequence.key(), sequence.keyboardModifiers())
    assert not window.isVisible()
    history.show(store)
    assert window.isVisible(), "shown again from the menu"
    window.close()


def test_a_narrow_table_keeps_room_for_the_routine(view: HistoryView, qtbot: QtBot) -> None:
    """At large text the outcome and pain columns give way (ending with "…") rather
    than leave the routine a letter or two, and the table does not scroll sideways."""
    header = view.table.horizontalHeader()
    first = {c: header.sectionSize(c) for c in (0, 2, 3, 4)}
    assert first == view._wanted, "a table shown with room has every column whole"
    font = view.font()
    view.setFont(large_font())
    view.resize(1008, 552)
    qtbot.waitUntil(lambda: view.table.viewport().width() < 1000)
    QApplication.processEvents()
    room = view.table.viewport().width()
    assert header.sectionSize(1) >= room * 0.25 - 1
    assert sum(header.sectionSize(c) for c in range(5)) <= room
    assert view.table.horizontalScrollBar().maximum() == 0
    view.setFont(font)
    view.resize(1600, 760)
    qtbot.waitUntil(lambda: view.table.viewport().width() > 1500)
    QApplication.processEvents()
    wide = {c: header.sectionSize(c) for c in (0, 2, 3, 4)}
    assert wide == view._wanted, "with room, every column is as wide as it wants"


def test_a_cell_tells_its_whole_text_and_the_note(view: HistoryView, store: HistoryStore,
                                                  qtbot: QtBot) -> None:
    model = view.model
    tip = model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, 1).data() in tip
    record = model.record(0)
    assert record is not None
    store.set_pain_after(record.id, record.pain_after, "<b>warm</b> first")
    model.reload()
    tip = model.index(0, 3).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, 3).data() in tip and "&lt;b&gt;warm&lt;/b&gt; first" in tip
    assert model.headerData(4, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == (
        "Pain before → after")


def _dates_under(view: HistoryView) -> list[str]:
    axes = [a for a in view.sessions_chart.chart().axes() if isinstance(a, QCategoryAxis)]
    assert len(axes) == 1
    return axes[0].categoriesLabels()


def _drawn_texts(view: QChartView) -> list[str]:
    """Every text QtCharts draws in ``view`` (axis labels, a title, a legend); its
    items come as plain QGraphicsItems, their QObject side says what they are."""
    texts = []
    for item in view.scene().items():
        drawn = item.toGraphicsObject() if item.isVisible() else None
        if isinstance(drawn, QGraphicsTextItem) and drawn.toPlainText():
            texts.append(drawn.toPlainText())
    return texts


def test_a_narrower_chart_shows_fewer_dates_but_always_the_last_week(
        view: HistoryView, qtbot: QtBot) -> None:
    """Under a narrow chart (large text, a small screen) QtCharts cut every date to
    "...": the chart now shows as many whole dates as fit, the latest week's among them."""
    wide = _dates_under(view)
    assert 2 <= len(wide) <= 6
    font = view.font()
    view.setFont(large_font())
    view.resize(760, 600)
    qtbot.waitUntil(lambda: 0 < len(_dates_under(view)) < len(wide))
    narrow = _dates_under(view)
    assert narrow[-1] == wide[-1], "the last week keeps its date"
    for chart in (view.sessions_chart, view.pain_chart):
        qtbot.waitUntil(lambda chart=chart: narrow[-1] in _drawn_texts(chart))
        drawn = _drawn_texts(chart)
        assert not [text for text in drawn if text.endswith("...")], drawn
    view.setFont(font)
    view.resize(1100, 760)
    qtbot.waitUntil(lambda: _dates_under(view) == wide)


@pytest.mark.parametrize("language", ["en", "de"])
def test_at_large_text_on_a_small_screen_the_charts_cut_no_text(
        view: HistoryView, qtbot: QtBot, language: str) -> None:
    """At 150 % text in a 1000 px wide History window, QtCharts cut the charts' titles
    ("Sessions per week,..."), the legend ("Vor...", "Nac...") and the values beside a
    short chart. Titles and legend are now labels that wrap; dates and values are as
    many as fit whole."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_language(app, language)
    view.setFont(large_font())
    view.resize(1000, 550)
    qtbot.waitUntil(lambda: view.pain_panel.legend_entries()
                    and view.pain_panel.legend_entries()[0].text == _("Before"))
    qtbot.wait(50)  # the charts laid out at their new size
    for panel in (view.sessions_panel, view.pain_panel):
        title = panel.title
        assert title.wordWrap() and title.text()
        assert title.heightForWidth(title.width()) <= title.height()
        drawn = _drawn_texts(panel.view)
        assert drawn and not [text for text in drawn if text.endswith("...")], drawn
        assert panel.view.chart().title() == ""
        assert not panel.view.chart().legend().isVisible()
    entries = view.pain_panel.legend_entries()
    assert [entry.text for entry in entries] == [_("Before"), _("After")]
    assert entries[0].pen.style() != entries[1].pen.style(), "told apart without colour"
    labels = [w for w in view.pain_panel.legend.findChildren(PlainLabel) if w.isVisible()]
    assert {label.text() for label in labels} == {_("Before"), _("After")}
    for label in labels:
        assert label.width() >= label.sizeHint().width(), label.text()
    assert not view.sessions_panel.legend.isVisible()
    _assert_plots_level(view)


def _assert_plots_level(view: HistoryView) -> None:
    sessions, pain = view.sessions_chart, view.pain_chart
    assert (sessions.y(), sessions.height()) == (pain.y(), pain.height())
    top = [view.mapFromGlobal(v.mapToGlobal(v.chart().plotArea().topLeft().toPoint())).y()
           for v in (sessions, pain)]
    assert abs(top[0] - top[1]) <= 1, top
    heights = [v.chart().plotArea().height() for v in (sessions, pain)]
    assert abs(heights[0] - heights[1]) <= 1, heights


@pytest.mark.parametrize("size", [(1280, 800), (900, 600)])
def test_the_charts_plots_stay_level_beside_the_pain_legend(
        view: HistoryView, qtbot: QtBot, size: tuple[int, int]) -> None:
    """Only the pain chart has a legend under it, and the titles may wrap to different
    lines: the two plots still start and end at the same height, side by side."""
    view.resize(*size)
    qtbot.waitUntil(lambda: bool(view.pain_panel.legend_entries()))
    qtbot.wait(50)
    assert view.pain_panel.legend.isVisible()
    assert not view.sessions_panel.legend.isVisible()
    _assert_plots_level(view)


def test_dates_under_the_weeks_follow_qtcharts_rule() -> None:
    """QtCharts gives each of n labels the axis' width / (n + 1), less 4 px a side."""
    assert date_labels(12, 40, 1000) == [1, 3, 5, 7, 9, 11], "every other week at most"
    assert date_labels(12, 60, 150) == [11], "only the last week where one fits"
    assert date_labels(12, 60, 120) == [], "none where not even one fits whole"
    assert date_labels(0, 60, 1000) == []
    for width in range(100, 1200, 7):
        dated = date_labels(12, 55, width)
        if not dated:
            assert width / 2 - 2 * LABEL_PADDING < 55, width
            continue
        assert dated[-1] == 11
        assert width / (len(dated) + 1) - 2 * LABEL_PADDING >= 55, width
        steps = {b - a for a, b in itertools.pairwise(dated)}
        assert len(steps) <= 1 and min(steps, default=2) >= 2


def test_values_beside_a_short_chart_are_as_many_as_fit() -> None:
    """QtCharts gives each of n value labels the axis' height / n, less 4 px a side."""
    assert value_ticks((6, 3, 2), 20, 200) == 6
    assert value_ticks((6, 3, 2), 20, 100) == 3
    assert value_ticks((6, 3, 2), 20, 60) == 2
    assert value_ticks((6, 3, 2), 20, 20) == 2, "never fewer than the fewest choice"
    assert value_ticks((5, 3, 2), 20, 140) == 5


def test_export_never_writes_over_the_settings_and_a_failure_ends_the_last_success(
    store: HistoryStore, qtbot: QtBot, tmp_path: Path,
) -> None:
    """Export guarded the history's own files only: it wrote its CSV over the settings
    file (reset at the next start, and moved aside). After a failed export the line
    under the table still said the previous one had worked."""
    paths = AppPaths.portable(tmp_path / "data")
    view = HistoryView(store, tz=BERLIN, now=lambda: NOW, protected=paths.protected_files)
    view.show()
    try:
        _export_twice_into_the_settings(view, paths, qtbot, tmp_path)
    finally:  # gone before the store closes (see the view fixture)
        view.close()
        shiboken6.delete(view)


def _export_twice_into_the_settings(view: HistoryView, paths: AppPaths, qtbot: QtBot,
                                    tmp_path: Path) -> None:
    good = tmp_path / "first.csv"
    view.choose_export_path = lambda: (good, "csv")
    with qtbot.waitSignal(view.exportFinished, timeout=5000):
        view.export()
    assert "exported" in view.count_label.text()
    for settings_saved in (False, True):
        if settings_saved:
            paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
            paths.settings_file.write_text("theme = \"dark\"\n", encoding="utf-8")
        assert "app's own file" in failed_export(view, qtbot, paths.settings_file)
        assert "exported" not in view.count_label.text()
    assert paths.settings_file.read_text(encoding="utf-8") == "theme = \"dark\"\n"


def test_the_last_day_a_date_field_offers_filters_and_exports(
    view: HistoryView, qtbot: QtBot, tmp_path: Path,
) -> None:
    """"To" 9999-12-31 (the date field's own last day, or a year typed as 9999) raised
    an OverflowError: the table kept the previous filter's rows, and Export did
    nothing."""
    from PySide6.QtCore import QDate

    view.range_check.setChecked(True)
    view.since_edit.setDate(QDate(2026, 1, 1))
    view.until_edit.setDate(QDate(9999, 12, 31))
    assert view.until_edit.date() == QDate(9999, 12, 31)
    assert view.current_filter().until is None
    assert view.model.total == 450
    target = tmp_path / "all.csv"
    view.choose_export_path = lambda: (target, "csv")
    with qtbot.waitSignal(view.exportFinished, timeout=5000) as blocker:
        view.export()
    assert blocker.args[1] == 450


def test_the_summary_s_minutes_take_the_locale_s_digits_and_titles_their_direction(
    view: HistoryView,
) -> None:
    """The minutes of "Total time" were written in Latin digits in every language, and
    a routine's title took the window's direction: in a right-to-left window an English
    title read backwards beside the count, and "=HYPERLINK(…)" showed its "=" at the
    end. Titles are bidi isolates now, each in its own direction."""
    from PySide6.QtCore import QLocale

    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.Arabic, QLocale.Country.Egypt))
    try:
        view.refresh_figures()
        shown = view.figures["minutes"].text()
        assert any("\u0660" <= c <= "\u0669" for c in shown), shown
        assert not any(c.isascii() and c.isdigit() for c in shown), shown
    finally:
        QLocale.setDefault(previous)
        view.refresh_figures()
    assert "\u2068Neck release\u2069" in view.figures["top"].text()
    assert view.model.index(0, 1).data() == "\u2068Upper back\u2069"


def test_every_figure_wraps_rather_than_being_cut(qtbot: QtBot) -> None:
    """In Polish at 200 % "jeszcze brak przypomnień" (no reminders yet) was cut at the
    summary's edge, with no "…": only the most used routines wrapped."""
    from large_text import large_text

    from massage_timer.ui.desktop.language import apply_language

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_language(app, "pl")
    store = HistoryStore.memory_only()
    try:
        with large_text(2.0):
            view = HistoryView(store, tz=BERLIN, now=lambda: NOW)
            try:
                view.resize(1008, 552)
                view.show()
                qtbot.waitUntil(lambda: view.figures["week"].text() != "…", timeout=2000)
                for key, label in view.figures.items():
                    shown = label.fontMetrics().horizontalAdvance(label.text())
                    assert shown <= label.width() or label.wordWrap(), key
                    if label.wordWrap():
                        assert label.height() >= label.heightForWidth(label.width()), key
            finally:  # gone before the store closes (see the view fixture)
                view.close()
                shiboken6.delete(view)
    finally:
        apply_language(app, "en")
        store.close()


def test_deleting_a_routines_last_session_lets_go_of_its_filter(qtbot: QtBot) -> None:
    """Filtered on a routine, deleting its last session left the list on "All
    routines" while the table went on filtering on the gone routine: empty, "0
    sessions", Export off, with three sessions left."""
    from test_history_stats import session, store_with

    store = store_with(*[session(NOW - timedelta(hours=h), routine="neck") for h in (1, 2, 3)],
                       session(NOW - timedelta(hours=5), routine="jaw"))
    view = HistoryView(store, tz=BERLIN, now=lambda: NOW)
    qtbot.addWidget(view)
    view.show()
    view.routine_combo.setCurrentIndex(view.routine_combo.findData("jaw"))
    assert view.model.total == 1
    view.table.selectRow(0)
    view.confirm = lambda *_args: True
    assert view.delete_selected()
    assert view.routine_combo.currentData() is None
    assert view.model.total == 3 and view.export_button.isEnabled()


def test_a_session_interrupted_after_its_last_step_reads_so() -> None:
    """Its last step recorded, its end not: the table said "Interrupted at step 9 of 8"."""
    import msgspec

    from massage_timer.ui.history.history_view import format_outcome

    record = next(records(3))
    done = msgspec.structs.replace(record, outcome=Outcome.INTERRUPTED, steps_completed=6,
                                   current_step=6)
    assert format_outcome(done) == "Interrupted after the last of its 6 steps"
    midway = msgspec.structs.replace(done, current_step=2, steps_completed=2)
    assert format_outcome(midway) == "Interrupted at step 3 of 6"
