"""The routine library window: the list, the detail pane and its diagram."""
