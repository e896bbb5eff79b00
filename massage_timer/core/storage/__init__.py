"""Where the model meets the disk: folders, shipped files, routine and settings files,
atomic writes, and the session history."""
