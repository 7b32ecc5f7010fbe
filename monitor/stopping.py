"""Graceful stops for `serve` and `run --once`: finish what is in flight, within a bound.

The first SIGTERM or SIGINT sets a `threading.Event` that polls check between batches and the
outbox checks between rows; nothing new starts. A second signal, or the bound running out,
exits at once: the batch in flight is one transaction, so the database rolls it back whole.
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

logger = logging.getLogger(__name__)
STOP_BOUND = 30.0
"""Seconds a stop may take after the first signal: one batch or one send, with room to spare."""
HARD_EXIT = 1
SIGNALS = (signal.SIGTERM, signal.SIGINT)


def stop_requested(stop: threading.Event | None) -> bool:
    return stop is not None and stop.is_set()


@contextmanager
def graceful_stop(
    stop: threading.Event, *, label: str, bound: float = STOP_BOUND
) -> Iterator[threading.Event]:
    """Route SIGTERM/SIGINT to `stop` while the block runs (main thread only)."""
    timer: threading.Timer | None = None

    def hard(reason: str) -> None:
        logger.error("%s: %s; stopping hard, the batch in flight is rolled back", label, reason)
        for handler in logging.getLogger().handlers:
            handler.flush()
        os._exit(HARD_EXIT)

    signalled = False

    def handle(signum: int, _frame: FrameType | None) -> None:
        nonlocal timer, signalled
        name = signal.Signals(signum).name
        if signalled:
            hard(f"second {name}")
        signalled = True
        logger.info(
            "%s: %s received, finishing what is in flight (at most %g s)", label, name, bound
        )
        stop.set()
        timer = threading.Timer(bound, hard, args=(f"still busy {bound:g} s after {name}",))
        timer.daemon = True
        timer.start()

    previous = {sig: signal.signal(sig, handle) for sig in SIGNALS}
    try:
        yield stop
    finally:
        if timer is not None:
            timer.cancel()
        if not signalled:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        else:
            # Once a signal asked us to stop, the process is on its way out: a second signal
            # while it closes up still means "stop hard" with the documented exit code. Python
            # puts the default handler back while the interpreter shuts down, and a signal in
            # that window would kill it with -15; by then everything is committed, so ignore it.
            atexit.register(_ignore_late_signals)


def _ignore_late_signals() -> None:
    for sig in SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
