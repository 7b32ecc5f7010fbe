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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from multiprocessing.pool import AsyncResult, Pool
from operator import attrgetter
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from connectors.filereader import Problem, RawLines, RecordReader, log_skipped
from db import repository
from db.session import transaction
from monitor.models import Mention
from monitor.pipeline import Analyses, Analysis, Analyzer, BatchResult, Key, Packed, Pipeline

logger = logging.getLogger(__name__)
Tag = TypeVar("Tag")
_PR_SET_PDEATHSIG = 1
_ORPHAN_POLL_SECONDS = 1.0


@dataclass(slots=True)
class _WorkerState:
    """In a worker: the analyzer inherited from the parent, and sessions of its own."""

    analyzer: Analyzer
    factory: sessionmaker[Session]
    binder: repository.MentionBinder | None = None  # SQLite: bind columns for the insert


_worker: dict[str, _WorkerState] = {}


def available_workers() -> int:
    """CPUs this process may run on; 0 where workers cannot be forked (not Linux/BSD)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without affinity
        return os.cpu_count() or 1


def default_workers() -> int:
    """One worker per CPU but the one the storing process needs; two on two CPUs.

    On two CPUs the storing process and one worker each spend about as much CPU per mention,
    and each waits for the other in turn; with two workers the kernel keeps both CPUs busy
    (100,000 mentions: 0.55 -> 0.62 of raw VADER's throughput, benchmarks/README.md). With
    more CPUs, storing is the slower side and further workers would only wait.
    """
    cpus = available_workers()
    return cpus if cpus <= 2 else cpus - 1


@dataclass(frozen=True, slots=True)
class Work(Generic[Tag]):
    """One batch to store, with a tag: parsed mentions (and how many lines were skipped reading
    them), or raw JSON lines that are parsed where the batch is analysed."""

    batch: list[Mention] | RawLines
    skipped: int
    tag: Tag


def read_batches(
    reader: RecordReader, batch_size: int, *, raw: bool = False, first: int | None = None
) -> Iterator[Work[int]]:
    """A file's batches, each tagged with the reader's byte offset after it (for progress).

    `raw` batches are `batch_size` lines of a JSON Lines file, left for the workers to parse;
    otherwise a batch is `batch_size` valid mentions. With `first`, the first batch holds that
    many and each next one half as many again, up to `batch_size`: the storing process waits
    for the first batch's analysis, and that wait is time the whole import waits. (Growing
    faster, a batch's analysis takes longer than storing the two before it: more waits.)
    """
    size = batch_size if first is None else max(1, min(first, batch_size))
    while not reader.eof:
        if raw:
            yield Work(reader.read_lines(size), 0, reader.offset)
        else:
            skipped_before = reader.skipped
            mentions = reader.read(size)
            yield Work(mentions, reader.skipped - skipped_before, reader.offset)
        size = min(size + size // 2 + 1, batch_size)


#: A mention as plain values, in `Mention`'s field order (`Mention(*values)` rebuilds it).
MentionValues = tuple[Any, ...]
_mention_values = attrgetter(*(f.name for f in fields(Mention)))
#: The packed analysis of a key's first mention (None: noise), and its columns bound ahead.
PackedItem = tuple[Key, Packed | None, tuple[Any, Any, Any] | None]
#: What a worker returns: the batch's mentions when it parsed them (else None), the lines it
#: skipped, and the packed analysis of each key's first mention.
Analysed = tuple[list[MentionValues] | None, list[Problem], list[PackedItem]]


@dataclass(slots=True)
class _Ready:
    """A batch ready to store."""

    mentions: list[Mention]
    skipped: int
    analyses: Analyses | None


class AheadIngest:
    """Stores batches in order while `workers` forked processes analyse the next ones.

    Enter it before starting any thread (a progress bar, say): the workers are forked there.
    With `workers=0` everything runs inline, exactly as `Pipeline.ingest` alone.
    """

    def __init__(self, pipeline: Pipeline, *, workers: int, commit_every: int = 1) -> None:
        self.pipeline = pipeline
        self.workers = max(0, workers)
        # Lines per transaction: batches are stored one after another in one transaction until
        # this many were read (1: each batch commits on its own, as `Pipeline.ingest` does).
        self.commit_every = max(1, commit_every)
        self._pool: Pool | None = None
        # Whether the last stored batch held mentions stored before (a re-import, or the rerun
        # of an interrupted one): then workers look the next batches' keys up first.
        self._duplicates_seen = True

    def __enter__(self) -> AheadIngest:
        if self.workers:
            context = multiprocessing.get_context("fork")  # initargs are inherited, not pickled
            self._pool = context.Pool(
                self.workers,
                initializer=_worker_started,
                initargs=(self.pipeline.analyzer, self.pipeline.factory, os.getpid()),
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

        Batches are stored in transactions of `commit_every` lines or more: a commit writes
        every page its transaction dirtied, and a bulk import dirties the same index and case
        pages batch after batch. A failure rolls back the open transaction (its batches are
        stored again by the next import: keys already stored are skipped). At most
        `workers + 1` batches are in flight, so memory stays bounded whatever the input size.
        """
        ready = self._in_order(batches)
        exhausted = False
        while not exhausted:
            stored: list[tuple[Tag, BatchResult]] = []
            lines = 0
            with transaction(self.pipeline.factory) as session:
                for work, pending in ready:
                    tag, result = self._store(session, work, pending)
                    stored.append((tag, result))
                    lines += result.received
                    if lines >= self.commit_every:
                        break
                else:
                    exhausted = True
            yield from stored

    def _in_order(
        self, batches: Iterable[Work[Tag]]
    ) -> Iterator[tuple[Work[Tag], AsyncResult[Analysed] | None]]:
        """Each batch with its analysis under way, keeping `workers` batches submitted ahead."""
        pending: deque[tuple[Work[Tag], AsyncResult[Analysed] | None]] = deque()
        for work in batches:
            pending.append((work, self._submit(work)))
            if len(pending) > self.workers:
                yield pending.popleft()
        while pending:
            yield pending.popleft()

    def _submit(self, work: Work[Tag]) -> AsyncResult[Analysed] | None:
        """Start analysing a batch in a worker (parsing it there too, if it is raw lines)."""
        if self._pool is None:
            return None
        check = self._duplicates_seen
        if isinstance(work.batch, RawLines):
            return self._pool.apply_async(_parse_and_analyze, (work.batch, check))
        if not work.batch:
            return None
        return self._pool.apply_async(_analyze, (work.batch, check))

    def _store(
        self, session: Session, work: Work[Tag], pending: AsyncResult[Analysed] | None
    ) -> tuple[Tag, BatchResult]:
        ready = _ready(work, pending.get() if pending is not None else None)
        result = self.pipeline.ingest(
            ready.mentions, skipped=ready.skipped, analyses=ready.analyses, session=session
        )
        self._duplicates_seen = result.duplicates > 0
        return work.tag, result


def _ready(work: Work[Tag], analysed: Analysed | None) -> _Ready:
    """The batch's mentions and the analyses a worker sent for them; whatever those do not
    cover is analysed by `Pipeline.ingest` itself, matched by (source, external_id)."""
    batch = work.batch
    if analysed is None:
        if isinstance(batch, RawLines):  # no workers: parse here
            mentions, problems = batch.parse()
            log_skipped(batch.label, problems)
            return _Ready(mentions, len(problems), None)
        return _Ready(batch, work.skipped, None)
    values, problems, packed = analysed
    unpacked = Analysis.unpacked
    analyses = {key: None if p is None else unpacked(p, bound) for key, p, bound in packed}
    if not isinstance(batch, RawLines):
        return _Ready(batch, work.skipped, analyses)
    log_skipped(batch.label, problems)
    mentions = [Mention(*fields_) for fields_ in values or ()]
    return _Ready(mentions, len(problems), analyses)


def _analyze(mentions: list[Mention], check_known: bool) -> Analysed:
    """Analyse a batch the importer parsed."""
    return None, [], _packed_analyses(mentions, check_known)


def _parse_and_analyze(lines: RawLines, check_known: bool) -> Analysed:
    """Parse a batch of raw lines and analyse it; its mentions go back as plain values (the
    importing process rebuilds those faster than it parses JSON or unpickles dataclasses)."""
    mentions, problems = lines.parse()
    packed = _packed_analyses(mentions, check_known)
    return list(map(_mention_values, mentions)), problems, packed


def _packed_analyses(mentions: list[Mention], check_known: bool) -> list[PackedItem]:
    """The packed analysis of each key's first mention (the one the pipeline stores), with its
    database-independent columns bound for the insert where the database allows (SQLite): the
    storing process is the import's bottleneck, and the workers have CPU to spare.

    With `check_known`, keys already in the database are looked up first and left out: the
    importer's duplicate check drops those mentions anyway (it stays the one that decides).
    """
    unique: dict[Key, Mention] = {}
    for mention in mentions:
        unique.setdefault((mention.source, mention.external_id), mention)
    state = _worker["state"]
    if check_known and unique:
        with state.factory() as session:
            for key in repository.existing_keys(session, unique):
                del unique[key]
    analyze, binder = state.analyzer.analyze, state.binder
    packed: list[PackedItem] = []
    for key, mention in unique.items():
        analysis = analyze(mention)
        if analysis is None:
            packed.append((key, None, None))
            continue
        bound = None
        if binder is not None:
            bound = binder(mention.created_at, mention.metrics or None, mention.raw)
        packed.append((key, analysis.packed(), bound))
    return packed


def _worker_started(analyzer: Analyzer, factory: sessionmaker[Session], parent: int) -> None:
    """Die with the parent; leave Ctrl-C to it (the terminal sends SIGINT to the group).

    The database connections inherited from the parent stay the parent's: `dispose(close=False)`
    (SQLAlchemy's recipe for a forked process) makes this worker open its own when it needs one.
    """
    bind = factory.kw["bind"]
    bind.dispose(close=False)
    _worker["state"] = _WorkerState(analyzer, factory, repository.mention_binder(bind.dialect))
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
