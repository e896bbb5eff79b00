"""The session and reminder log in SQLite: its schema and migrations, the store, and the
queries behind the figures and the export."""
