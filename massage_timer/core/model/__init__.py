"""What the app is about, with no I/O: routines, the session engine and its cues, the
safety checklist, settings and the reminder schedule."""
