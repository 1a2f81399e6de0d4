"""Metric families, one module each (see ../shared/METRICS.md)."""
