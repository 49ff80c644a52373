"""Read models and listings: the SQL behind screens, reports and ``list`` commands (no writes here)."""
