"""Desktop integration: tray, single instance, keeping the screen awake."""
