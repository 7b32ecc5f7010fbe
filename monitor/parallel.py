"""Analysis ahead of storage in worker processes, for big imports.

Language detection and scoring are most of an import's CPU and need no database
(`pipeline.Analyzer`); storing is one transaction per batch, in order, in one process. Here
worker processes analyse the next batches while the main process stores the current one.

Workers are forked from the importer just before its first batch, so they inherit the analyzer
it has already built (no start-up per worker) and share its memory copy-on-write; they never
touch the database, the outbox or the cursor, so a crash anywhere loses nothing: the main
process stores each batch exactly as `Pipeline.ingest` does inline, analyses merely arrive
precomputed. A worker dies with its parent (SIGKILL included), and ignores SIGINT so that
Ctrl-C is handled once, by the main process.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool
from typing import Generic, TypeVar

from connectors.filereader import RecordReader
from monitor.models import Mention
from monitor.pipeline import Analyses, Analysis, Analyzer, BatchResult, Key, Pipeline

logger = logging.getLogger(__name__)
Tag = TypeVar("Tag")
_PR_SET_PDEATHSIG = 1
_ORPHAN_POLL_SECONDS = 1.0

#: In a worker: the analyzer inherited from the parent (set by `_worker_started`).
_worker: dict[str, Analyzer] = {}


def available_workers() -> int:
    """CPUs this process may run on; 0 where workers cannot be forked (not Linux/BSD)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without affinity
        return os.cpu_count() or 1


def default_workers() -> int:
    """One worker per CPU but the one the storing process needs, and at least one.

    Storing is the slower side (on 2 CPUs, 1 worker imported 20,000 mentions as fast as 2 and
    left the storing process a CPU of its own), so more workers than that only wait.
    """
    cpus = available_workers()
    return max(1, cpus - 1) if cpus else 0


@dataclass(frozen=True, slots=True)
class Work(Generic[Tag]):
    """One batch to store: the mentions, how many lines were skipped reading them, a tag."""

    mentions: list[Mention]
    skipped: int
    tag: Tag


def read_batches(reader: RecordReader, batch_size: int) -> Iterator[Work[int]]:
    """A file's batches, each tagged with the reader's byte offset after it (for progress)."""
    while not reader.eof:
        skipped_before = reader.skipped
        mentions = reader.read(batch_size)
        yield Work(mentions, reader.skipped - skipped_before, reader.offset)


class AheadIngest:
    """Stores batches in order while `workers` forked processes analyse the next ones.

    Enter it before starting any thread (a progress bar, say): the workers are forked there.
    With `workers=0` everything runs inline, exactly as `Pipeline.ingest` alone.
    """

    def __init__(self, pipeline: Pipeline, *, workers: int) -> None:
        self.pipeline = pipeline
        self.workers = max(0, workers)
        self._pool: Pool | None = None

    def __enter__(self) -> AheadIngest:
        if self.workers:
            context = multiprocessing.get_context("fork")  # initargs are inherited, not pickled
            self._pool = context.Pool(
                self.workers,
                initializer=_worker_started,
                initargs=(self.pipeline.analyzer, os.getpid()),
            )
            logger.debug("analysing ahead in %d worker processes", self.workers)
        return self

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if error is None:
            pool.close()
        else:
            pool.terminate()
        pool.join()

    def run(self, batches: Iterable[Work[Tag]]) -> Iterator[tuple[Tag, BatchResult]]:
        """Store every batch in order; yield each result with its tag once it is committed.

        At most `workers + 1` batches are in flight, so memory stays bounded whatever the
        input size.
        """
        pending: deque[tuple[Work[Tag], Callable[[], Analyses] | None]] = deque()
        for work in batches:
            pending.append((work, self._submit(work.mentions)))
            if len(pending) > self.workers:
                yield self._store(*pending.popleft())
        while pending:
            yield self._store(*pending.popleft())

    def _store(
        self, work: Work[Tag], analyses: Callable[[], Analyses] | None
    ) -> tuple[Tag, BatchResult]:
        result = self.pipeline.ingest(
            work.mentions, skipped=work.skipped, analyses=analyses() if analyses else None
        )
        return work.tag, result

    def _submit(self, mentions: list[Mention]) -> Callable[[], Analyses] | None:
        """Start analysing `mentions` in a worker; the returned call waits for the analyses."""
        if self._pool is None or not mentions:
            return None
        unique: dict[Key, Mention] = {}
        for mention in mentions:
            unique.setdefault((mention.source, mention.external_id), mention)
        keys = list(unique)
        pending: AsyncResult[list[Analysis | None]] = self._pool.apply_async(
            _analyze, (list(unique.values()),)
        )
        return lambda: dict(zip(keys, pending.get(), strict=True))


def _analyze(mentions: list[Mention]) -> list[Analysis | None]:
    return _worker["analyzer"].analyze_many(mentions)


def _worker_started(analyzer: Analyzer, parent: int) -> None:
    """Die with the parent; leave Ctrl-C to it (the terminal sends SIGINT to the group)."""
    _worker["analyzer"] = analyzer
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not _die_with_parent():
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before we could ask
        os._exit(1)


def _die_with_parent() -> bool:
    """Linux: have the kernel SIGKILL this worker when its parent dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _exit_when_orphaned(parent: int) -> None:  # pragma: no cover - non-Linux fallback
    while os.getppid() == parent:
        time.sleep(_ORPHAN_POLL_SECONDS)
    os._exit(1)
