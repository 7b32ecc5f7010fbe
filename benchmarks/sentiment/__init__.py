"""Sentiment evaluation: hand-labelled sets and `python -m benchmarks.sentiment.evaluate`."""
