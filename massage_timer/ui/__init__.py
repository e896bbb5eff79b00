"""The Qt shell: windows that show the core's state and forward what the person asks."""

from massage_timer.ui.desktop.pyside_imports import skip_feature_imports

skip_feature_imports()
