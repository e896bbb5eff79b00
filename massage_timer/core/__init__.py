"""The app's core, free of Qt: :mod:`.model` (what a routine, a session, a setting and a
reminder schedule are) below :mod:`.storage` (where they are read from and written to)."""
