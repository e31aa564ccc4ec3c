"""Analysis: year-over-year movement, robustness of ranks, gap to the next level, data-quality checks."""
