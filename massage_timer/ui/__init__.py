"""The Qt shell: windows that show the core's state and forward what the person asks."""

from massage_timer.ui.desktop.pyside_imports import skip_source_scan

skip_source_scan()
