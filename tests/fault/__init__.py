"""Fault tests: crashes, outages, locks and restarts survived with exact counts."""
