"""The library window: find a routine, read what it does, start it.

The window only shows a :class:`~massage_timer.core.storage.loader.Library` and forwards what
the person asks for through Signals; the session flow, settings and history live
with whoever connects them (see :mod:`massage_timer.ui.app`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QFont, QKeyEvent, QKeySequence, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from massage_timer import APP_DISPLAY_NAME, __version__
from massage_timer.core.model.language import _, ngettext, pgettext
from massage_timer.core.model.speech_timing import AS_WRITTEN, SpeechTiming
from massage_timer.core.storage.loader import Library
from massage_timer.ui.editor.library_actions import RoutineActions
from massage_timer.ui.eliding_combo import ElidingComboBox
from massage_timer.ui.library.reminders_note import RemindersNote
from massage_timer.ui.library.routine_detail import RoutineDetail
from massage_timer.ui.library.routine_list import (
    RoutineDelegate,
    RoutineFilterModel,
    RoutineIdRole,
    RoutineListModel,
    area_label,
    routine_areas,
)
from massage_timer.ui.plain import PlainLabel, plain_tooltip
from massage_timer.ui.screen_fit import clamp_to_screen, fit_window, short_screen
from massage_timer.ui.theme import (
    Accent,
    KeyboardScrollArea,
    PaletteStyle,
    PrimaryButton,
    accent,
)
from massage_timer.ui.wrapping_row import WrappingRow
from massage_timer.ui.wrapping_tree import WrappingTree

if TYPE_CHECKING:
    from massage_timer.ui.library.notice_bar import NoticeBar

DURATION_CHOICES: tuple[int | None, ...] = (None, 5, 10, 15, 30)
"""The length filter's choices in minutes (None: any length)."""
DEFAULT_SIZE = QSize(1100, 720)
FIRST_ROUTINE = "desk-micro-break"
"""Shown the first time: no equipment, seated, short; later the last one chosen."""


def _broken_toggle_sheet(palette: QPalette) -> str:
    """The broken files' toggle in the theme's red (see :class:`PaletteStyle`)."""
    return f"QToolButton#brokenToggle {{ color: {accent(Accent.DANGER, palette).name()}; }}"


class MainWindow(QMainWindow):
    """The routine library and its menus.

    Signals:
        startRequested(str): the person asked to start the routine with this id.
        historyRequested(), settingsRequested(), reloadRequested(),
        openRoutinesFolderRequested(), quitRequested(): menu intents.
    """

    startRequested = Signal(str)
    historyRequested = Signal()
    settingsRequested = Signal()
    reloadRequested = Signal()
    openRoutinesFolderRequested = Signal()
    quitRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_DISPLAY_NAME)
        fit_window(self, DEFAULT_SIZE)
        self._library = Library()
        self._first_routine = ""
        self._notice_bar: NoticeBar | None = None
        self.reminders_note = RemindersNote(self)
        bar = self.statusBar()
        bar.addPermanentWidget(self.reminders_note, 1)
        bar.messageChanged.connect(self.reminders_note.set_covered)
        bar.messageChanged.connect(self._on_notice_changed)
        self._include_optional = False
        self._timing = AS_WRITTEN
        self._model = RoutineListModel(self)
        self._proxy = RoutineFilterModel(self)
        self._proxy.setSourceModel(self._model)

        self._search = QLineEdit(self)
        self._search.setObjectName("routineSearch")
        self._search.setClearButtonEnabled(True)
        self._area = ElidingComboBox(self)
        self._area.setObjectName("areaFilter")
        self._duration = ElidingComboBox(self)
        self._duration.setObjectName("durationFilter")
        for minutes in DURATION_CHOICES:
            self._duration.addItem("", minutes)

        self._list = QListView(self)
        self._list.setObjectName("routineList")
        self._list.setModel(self._proxy)
        self._list.setItemDelegate(RoutineDelegate(self._list))
        self._list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._list.setAlternatingRowColors(True)
        self._list.setMinimumWidth(240)
        self._empty = PlainLabel("", self)
        self._empty.setObjectName("routineListEmpty")
        self._empty.setWordWrap(True)
        self._empty.hide()

        self._broken_toggle = QToolButton(self)
        self._broken_toggle.setObjectName("brokenToggle")
        self._broken_toggle.setCheckable(True)
        self._broken_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._broken_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self._broken_toggle_style = PaletteStyle(self._broken_toggle, _broken_toggle_sheet)
        self._broken_toggle.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._broken = WrappingTree(self)
        self._broken.setObjectName("brokenRoutines")
        self._broken.setIndentation(16)
        self._broken.setMaximumHeight(200)
        self._broken.hide()

        self._detail = RoutineDetail(self)
        self._scroll = scroll = KeyboardScrollArea(self)
        scroll.setObjectName("detailScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._detail)
        self._start = PrimaryButton("", self)
        self._start.setObjectName("startButton")

        self.routine_actions = RoutineActions(self)
        self._build_layout(scroll)
        self._build_menus()
        self._connect()
        self._retranslate()
        self._on_current_changed()

    # -- public API --------------------------------------------------------------
    def set_library(self, library: Library) -> None:
        """Show a (re)loaded library, keeping the current routine when it is still there."""
        keep = self.current_routine_id() or self._first_routine
        self._library = library
        self._model.set_routines(library.routines, self._include_optional, self._timing)
        self._fill_areas()
        self._update_broken(library.errors)
        if not (keep and self.select_routine(keep)) and not self.select_routine(FIRST_ROUTINE):
            self._select_first()
        self._on_current_changed()

    def set_first_routine(self, routine_id: str) -> None:
        """The routine to open on (the last one chosen), if the library has it."""
        self._first_routine = routine_id

    def set_include_optional(self, include: bool) -> None:
        """Whether optional steps count (the setting); changes the times shown."""
        if include == self._include_optional:
            return
        self._include_optional = include
        self.set_library(self._library)

    def set_speech_timing(self, timing: SpeechTiming) -> None:
        """The get-ready times of the user's voice (its rate); changes the times shown."""
        if timing == self._timing:
            return
        self._timing = timing
        self.set_library(self._library)

    def select_routine(self, routine_id: str) -> bool:
        row = self._model.row_of(routine_id)
        if row < 0:
            return False
        index = self._proxy.mapFromSource(self._model.index(row, 0))
        if not index.isValid():
            return False
        self._list.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self._list.scrollTo(index)
        return True

    def current_routine_id(self) -> str | None:
        index = self._list.currentIndex()
        if not index.isValid():
            return None
        return str(index.data(RoutineIdRole))

    def show_notice(self, text: str, timeout_ms: int = 0) -> None:
        """A passing message for ``timeout_ms`` in the status bar; with none, a notice
        that stays above the library until hidden (a file moved aside, settings reset)."""
        if timeout_ms > 0:
            self.statusBar().showMessage(text, timeout_ms)
        else:
            self.notice_bar.add(text)

    @property
    def notice_bar(self) -> NoticeBar:
        """Made with the first notice: most starts have none."""
        if self._notice_bar is None:
            from massage_timer.ui.library.notice_bar import NoticeBar

            self._notice_bar = NoticeBar(self)
            self._central.insertWidget(0, self._notice_bar)
        return self._notice_bar

    def notices(self) -> list[str]:
        """The notices shown above the library now."""
        return self._notice_bar.texts() if self._notice_bar is not None else []

    def _on_notice_changed(self, text: str) -> None:
        # One line: a long message is cut at the window's edge (its tooltip has it whole).
        self.statusBar().setToolTip(text)

    def geometry_state(self) -> str:
        """The window geometry as base64 text, for ``settings.window_geometry``."""
        return bytes(self.saveGeometry().toBase64().data()).decode("ascii")

    def restore_geometry_state(self, state: str) -> bool:
        if not state:
            return False
        restored = self.restoreGeometry(QByteArray.fromBase64(state.encode("ascii")))
        if restored:
            clamp_to_screen(self)
        return restored

    @property
    def start_button(self) -> QPushButton:
        return self._start

    @property
    def routine_list(self) -> QListView:
        return self._list

    @property
    def search_box(self) -> QLineEdit:
        return self._search

    @property
    def detail(self) -> RoutineDetail:
        return self._detail

    def showEvent(self, event: QShowEvent) -> None:
        # On a short screen the list keeps the room: the filters stay on one row.
        self._filters.set_max_rows(1 if short_screen(self) else None)
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_broken_toggle"):
            self._update_broken(self._library.errors)
        elif event.type() == QEvent.Type.LanguageChange and hasattr(self, "_broken_toggle"):
            self._retranslate()

    def _retranslate(self) -> None:
        """Every text of the window in the current language (and again on a change)."""
        self.setWindowTitle(APP_DISPLAY_NAME)
        self._search.setAccessibleName(_("Search routines"))
        # TRANSLATORS: the keyboard shortcut stays as it is.
        self._search.setPlaceholderText(_("Search routines (Ctrl+F)"))
        self._area.setAccessibleName(_("Filter by target area"))
        self._duration.setAccessibleName(_("Filter by maximum length"))
        for i, minutes in enumerate(DURATION_CHOICES):
            self._duration.setItemText(i, _("Any length") if minutes is None else ngettext(
                "Up to {count} min", "Up to {count} min", minutes).format(count=minutes))
        self._list.setAccessibleName(_("Routines"))
        self._scroll.setAccessibleName(_("About the routine"))
        self._empty.setText(_("No routine matches the search and filters."))
        self._broken.setAccessibleName(_("Routine files that could not be loaded"))
        self._start.setText(_("Start routine"))
        self._start.setAccessibleName(_("Start routine"))
        # TRANSLATORS: the keyboard shortcut stays as it is.
        self._start.setToolTip(_("Start the chosen routine (Ctrl+Enter)"))
        self._area_label.setText(_("&Area:"))
        self._length_label.setText(_("&Length:"))
        self.start_action.setText(_("&Start routine"))
        self.open_folder_action.setText(_("&Open routines folder"))
        self.reload_action.setText(_("&Reload routines"))
        self.quit_action.setText(_("&Quit"))
        self.history_action.setText(_("&History"))
        self.find_action.setText(_("&Find routine"))
        self.settings_action.setText(_("&Settings…"))
        self.about_action.setText(_("&About {app}").format(app=APP_DISPLAY_NAME))
        self.safety_action.setText(_("&Safety information"))
        self._file_menu.setTitle(_("&File"))
        self._view_menu.setTitle(_("&View"))
        # TRANSLATORS: the menu (in the menu bar) that holds the Settings window.
        self._settings_menu.setTitle(pgettext("menu", "&Settings"))
        self._help_menu.setTitle(_("&Help"))
        self._fill_areas()
        self._update_broken(self._library.errors)
        self._model.refresh()

    # -- building ----------------------------------------------------------------
    def _build_layout(self, scroll: QScrollArea) -> None:
        self._filters = filters = WrappingRow(self, group=2, spacing=6)
        filters.setObjectName("routineFilters")
        self._area_label = PlainLabel("", filters)
        self._area_label.setBuddy(self._area)
        self._length_label = PlainLabel("", filters)
        self._length_label.setBuddy(self._duration)
        filters.set_widgets([self._area_label, self._area, self._length_label, self._duration],
                            stretch=[0, 1, 0, 1])
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self._search)
        left_layout.addWidget(filters)
        left_layout.addWidget(self._list, 1)
        left_layout.addWidget(self.routine_actions.bar)
        left_layout.addWidget(self._empty)
        left_layout.addWidget(self._broken_toggle)
        left_layout.addWidget(self._broken)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(scroll, 1)
        start_row = QHBoxLayout()
        start_row.addStretch(1)
        start_row.addWidget(self._start)
        right_layout.addLayout(start_row)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("librarySplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([400, 700])
        central = QWidget(self)
        self._central = QVBoxLayout(central)
        self._central.setContentsMargins(0, 0, 0, 0)
        self._central.setSpacing(0)
        self._central.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.setTabOrder(self._search, self._area)
        self.setTabOrder(self._area, self._duration)
        self.setTabOrder(self._duration, self._list)
        self.setTabOrder(self._list, self._broken_toggle)
        self.setTabOrder(self._broken_toggle, self._broken)
        self.setTabOrder(self._broken, self._scroll)
        self.setTabOrder(self._scroll, self._start)

    def _action(self, name: str, shortcut: QKeySequence | str | None = None) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.start_action = self._action("actionStart", "Ctrl+Return")
        self.start_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.open_folder_action = self._action("actionOpenFolder")
        self.reload_action = self._action("actionReload",
                                          QKeySequence(QKeySequence.StandardKey.Refresh))
        self.reload_action.setShortcuts([QKeySequence("F5")])
        self.quit_action = self._action("actionQuit", "Ctrl+Q")
        self.history_action = self._action("actionHistory", "Ctrl+H")
        self.find_action = self._action("actionFind", "Ctrl+F")
        self.settings_action = self._action("actionPreferences", "Ctrl+,")
        self.about_action = self._action("actionAbout")
        self.safety_action = self._action("actionSafety")
        self._file_menu = file_menu = bar.addMenu("")
        file_menu.setObjectName("menuFile")
        file_menu.addAction(self.start_action)
        file_menu.addSeparator()
        file_menu.addAction(self.open_folder_action)
        file_menu.addAction(self.reload_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        bar.addMenu(self.routine_actions.menu)
        self._view_menu = view_menu = bar.addMenu("")
        view_menu.setObjectName("menuView")
        view_menu.addAction(self.find_action)
        view_menu.addAction(self.history_action)
        self._settings_menu = settings_menu = bar.addMenu("")
        settings_menu.setObjectName("menuSettings")
        settings_menu.addAction(self.settings_action)
        self._help_menu = help_menu = bar.addMenu("")
        help_menu.setObjectName("menuHelp")
        help_menu.addAction(self.safety_action)
        help_menu.addAction(self.about_action)

    def _connect(self) -> None:
        self._search.textChanged.connect(self._on_search_changed)
        self._search.installEventFilter(self)
        self._area.currentIndexChanged.connect(self._on_area_changed)
        self._duration.currentIndexChanged.connect(self._on_duration_changed)
        self._list.selectionModel().currentChanged.connect(self._on_current_changed)
        self._list.activated.connect(self._on_list_activated)
        self._broken_toggle.toggled.connect(self._on_broken_toggled)
        self._start.clicked.connect(self._on_start_triggered)
        self.start_action.triggered.connect(self._on_start_triggered)
        self.open_folder_action.triggered.connect(self.openRoutinesFolderRequested)
        self.reload_action.triggered.connect(self.reloadRequested)
        self.quit_action.triggered.connect(self.quitRequested)
        self.history_action.triggered.connect(self.historyRequested)
        self.settings_action.triggered.connect(self.settingsRequested)
        self.find_action.triggered.connect(self._on_find_triggered)
        self.about_action.triggered.connect(self._on_about_triggered)
        self.safety_action.triggered.connect(self._on_safety_triggered)

    def _fill_areas(self) -> None:
        current = self._area.currentData()
        keys = sorted(
            {a for r in self._library.routines for a in routine_areas(r.routine)},
            key=lambda k: area_label(k).casefold(),
        )
        self._area.blockSignals(True)
        self._area.clear()
        self._area.addItem(_("All areas"), None)
        for key in keys:
            self._area.addItem(area_label(key, short=True), key)
        self._area.setCurrentIndex(max(0, self._area.findData(current)))
        self._area.blockSignals(False)
        self._proxy.set_area(self._area.currentData())

    def _update_broken(self, errors: list[Any]) -> None:
        self._broken.clear()
        by_file: dict[Path, QTreeWidgetItem] = {}
        for error in errors:
            parent = by_file.get(error.file)
            if parent is None:
                parent = QTreeWidgetItem(self._broken, [error.file.name])
                font = QFont(self._broken.font())
                font.setBold(True)
                parent.setFont(0, font)
                parent.setToolTip(0, plain_tooltip(str(error.file)))
                by_file[error.file] = parent
            item = QTreeWidgetItem(parent, [f"{error.location}: {error.message}"])
            item.setToolTip(0, plain_tooltip(str(error)))
            item.setData(0, Qt.ItemDataRole.AccessibleTextRole,
                         # TRANSLATORS: read by screen readers for a problem in a routine
                         # file; {location} is like steps[2].seconds.
                         _("{file}, at {location}: {message}").format(
                             file=error.file.name, location=error.location,
                             message=error.message))
        self._broken.expandAll()
        files = len({e.file for e in errors})
        problems = ngettext("{count} problem", "{count} problems", len(errors)).format(
            count=len(errors))
        self._broken_toggle.setText(
            # TRANSLATORS: {problems} is "{count} problem(s)", translated on its own.
            ngettext("Could not load {count} routine file ({problems})",
                     "Could not load {count} routine files ({problems})", files).format(
                count=files, problems=problems)
        )
        self._broken_toggle.setAccessibleName(self._broken_toggle.text())
        self._broken_toggle.setVisible(bool(errors))
        self._broken.setVisible(bool(errors) and self._broken_toggle.isChecked())

    def _select_first(self) -> None:
        if self._proxy.rowCount() > 0:
            self._list.selectionModel().setCurrentIndex(
                self._proxy.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )

    def _after_filter(self) -> None:
        if not self._list.currentIndex().isValid():
            self._select_first()
        self._empty.setVisible(self._proxy.rowCount() == 0 and self._model.rowCount() > 0)
        self._on_current_changed()

    # -- slots ---------------------------------------------------------------------
    def _on_search_changed(self, text: str) -> None:
        self._proxy.set_search(text)
        self._after_filter()

    def _on_area_changed(self, _index: int) -> None:
        self._proxy.set_area(self._area.currentData())
        self._after_filter()

    def _on_duration_changed(self, _index: int) -> None:
        self._proxy.set_max_minutes(self._duration.currentData())
        self._after_filter()

    def _on_current_changed(self, *_args: object) -> None:
        routine_id = self.current_routine_id()
        loaded = self._library.get(routine_id) if routine_id else None
        # A new library resets the list (current: none), then selects: each says so.
        if not self._detail.shows(loaded, self._include_optional, self._timing):
            self._detail.show_routine(loaded, self._include_optional, self._timing)
        self._start.setEnabled(loaded is not None)
        self.routine_actions.set_current(loaded)
        self.start_action.setEnabled(loaded is not None)

    def _on_list_activated(self, _index: QModelIndex) -> None:
        self._on_start_triggered()

    def _on_start_triggered(self) -> None:
        routine_id = self.current_routine_id()
        if routine_id is not None:
            self.startRequested.emit(routine_id)

    def _on_find_triggered(self) -> None:
        self._search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._search.selectAll()

    def _on_broken_toggled(self, shown: bool) -> None:
        self._broken_toggle.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
        self._broken.setVisible(shown)

    def _on_about_triggered(self) -> None:
        import html

        from PySide6.QtWidgets import QMessageBox  # made at first use, not at the start

        QMessageBox.about(
            self,
            _("About {app}").format(app=APP_DISPLAY_NAME),
            "<h3>{app} {version}</h3><p>{what}</p><p>{advice}</p>".format(
                app=APP_DISPLAY_NAME, version=html.escape(__version__),
                what=html.escape(_(
                    "Guided self-massage and stretching for the neck, shoulders and upper"
                    " back, with posture-break reminders.")),
                advice=html.escape(_(
                    "It is not medical advice. If pain is severe, spreading or lasting,"
                    " see a doctor or physiotherapist."))),
        )

    def _on_safety_triggered(self) -> None:
        from massage_timer.ui.session.checklist_dialog import show_safety_information

        show_safety_information(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self._search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self._proxy.rowCount() > 0
        ):
            self._list.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self._list.currentIndex().isValid():
                self._select_first()
            return True
        return super().eventFilter(watched, event)
