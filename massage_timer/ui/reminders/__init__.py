"""Posture-break reminders: the service, its prompt, and idle detection."""
