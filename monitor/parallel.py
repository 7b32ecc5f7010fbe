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
import io
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
from monitor.pipeline import Analyses, Analysis, Analyzer, BatchResult, Key, Packed, Pipeline

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
    """One batch to store: the mentions, how many lines were skipped reading them, a tag.

    `lines` are the batch's raw JSON Lines when the reader kept them: a worker parses them
    again (as `connector`) rather than being sent the mentions, since pickling those cost the
    storing process as much as parsing them.
    """

    mentions: list[Mention]
    skipped: int
    tag: Tag
    lines: bytes | None = None
    connector: str = ""


def read_batches(reader: RecordReader, batch_size: int) -> Iterator[Work[int]]:
    """A file's batches, each tagged with the reader's byte offset after it (for progress)."""
    while not reader.eof:
        skipped_before = reader.skipped
        mentions = reader.read(batch_size)
        lines = reader.take_lines() if reader.keeps_lines else None
        skipped = reader.skipped - skipped_before
        yield Work(mentions, skipped, reader.offset, lines, reader.connector)


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
            pending.append((work, self._submit(work)))
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

    def _submit(self, work: Work[Tag]) -> Callable[[], Analyses] | None:
        """Start analysing a batch in a worker; the returned call waits for the analyses.

        Whatever the worker's analyses do not cover is analysed by `Pipeline.ingest` itself;
        they are matched by (source, external_id), each key's first mention, as it stores.
        """
        if self._pool is None or not work.mentions:
            return None
        pending: AsyncResult[list[tuple[Key, Packed | None]]]
        if work.lines is not None:
            pending = self._pool.apply_async(_analyze_lines, (work.lines, work.connector))
        else:
            pending = self._pool.apply_async(_analyze, (work.mentions,))
        unpacked = Analysis.unpacked
        return lambda: {
            key: None if packed is None else unpacked(packed) for key, packed in pending.get()
        }


def _analyze(mentions: list[Mention]) -> list[tuple[Key, Packed | None]]:
    """The packed analysis of each key's first mention (the one the pipeline stores)."""
    unique: dict[Key, Mention] = {}
    for mention in mentions:
        unique.setdefault((mention.source, mention.external_id), mention)
    analyze = _worker["analyzer"].analyze
    out: list[tuple[Key, Packed | None]] = []
    for key, mention in unique.items():
        analysis = analyze(mention)
        out.append((key, None if analysis is None else analysis.packed()))
    return out


def _analyze_lines(lines: bytes, connector: str) -> list[tuple[Key, Packed | None]]:
    """`_analyze` of a batch's raw JSON Lines, parsed here exactly as the importer parsed them
    (bad lines are the importer's to report)."""
    reader = RecordReader(io.BytesIO(lines), fmt="jsonl", connector=connector, quiet=True)
    return _analyze(reader.read(len(lines) + 1))


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
