"""Massage Timer: guided neck, shoulder and upper-back self-massage at the desk."""

__version__ = "0.1.0"
APP_NAME = "massage-timer"
APP_DISPLAY_NAME = "Massage Timer"
DESKTOP_ID = "io.github.massage_timer.MassageTimer"
