"""One guided session: checklist, pain rating, player, summary."""
