"""Contact activities and the performance record (§三(四)–(八), R-ACT-1…7)."""
