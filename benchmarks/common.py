"""What every benchmark shares: databases on both backends, the machine record, results.json.

PostgreSQL is a throwaway cluster started from the installed binaries with the test suite's
helper (tests/pg.py: initdb as the `postgres` user when run as root, fsync off, on a free
loopback port), once per `python -m benchmarks` run, one fresh database per measurement.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"
BACKENDS = ("sqlite", "postgresql")
#: Keys copied from the repository's config.yaml, so the benchmarks score, match, rank and route
#: exactly as the default deployment does (connectors are left out: nothing polls).
CONFIG_KEYS = ("brands", "scoring", "ranking", "topics", "routing")


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (p90 of 10 values is the 9th smallest): no interpolation."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return float(ordered[rank - 1])


def log(message: str) -> None:
    """Progress goes to stderr so stdout stays the table."""
    print(message, file=sys.stderr, flush=True)


@dataclass
class Databases:
    """Fresh databases on demand; the PostgreSQL cluster starts on first use, stops on close."""

    workdir: Path
    _server: Any = None
    _created: list[str] = field(default_factory=list)
    _names: Iterator[int] = field(default_factory=itertools.count)

    def url(self, backend: str, name: str) -> str:
        """A new, empty database called `name` (plus a counter) on `backend`."""
        unique = f"{name}_{next(self._names)}"
        if backend == "sqlite":
            return f"sqlite:///{self.workdir / unique}.db"
        if backend == "postgresql":
            server = self.server()
            self._created.append(unique)
            url: str = server.create_database(unique)
            return url
        raise ValueError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")

    def drop(self, url: str) -> None:
        """Free the space a measured database took (files or a PostgreSQL database)."""
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            for leftover in path.parent.glob(path.name + "*"):  # -wal, -shm, .locks/
                if leftover.is_dir():
                    shutil.rmtree(leftover, ignore_errors=True)
                else:
                    leftover.unlink()
        elif self._server is not None:
            name = url.rsplit("/", 1)[1]
            self._server.drop_database(name)
            if name in self._created:
                self._created.remove(name)

    def server(self) -> Any:
        if self._server is None:
            from tests import pg

            log("starting a throwaway PostgreSQL cluster (tests/pg.py)")
            self._server = pg.PostgresServer.start()
        return self._server

    def postgres_version(self) -> str | None:
        if self._server is None:
            return None
        import psycopg

        with psycopg.connect(self._server.conninfo()) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else None

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


@contextlib.contextmanager
def databases(workdir: Path) -> Iterator[Databases]:
    dbs = Databases(workdir)
    try:
        yield dbs
    finally:
        dbs.close()


def app_config(url: str, **extra: Any) -> dict[str, Any]:
    """The repository's brands/topics/scoring/ranking/routing on the given database."""
    base = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data: dict[str, Any] = {"database": {"url": url}}
    data.update({key: base[key] for key in CONFIG_KEYS if key in base})
    data["connectors"] = []
    data.update(extra)
    return data


def write_config(path: Path, url: str, **extra: Any) -> Path:
    path.write_text(
        yaml.safe_dump(app_config(url, **extra), allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return path


def repmon_executable() -> Path:
    """The console script next to this interpreter (the venv's `repmon`)."""
    candidate = Path(sys.executable).parent / "repmon"
    if candidate.exists():
        return candidate
    raise SystemExit(f"cannot find the repmon console script next to {sys.executable}")


def child_env() -> dict[str, str]:
    """Our environment without variables that would point the CLI at another database."""
    env = {k: v for k, v in os.environ.items() if k not in {"REPMON_CONFIG", "DATABASE_URL"}}
    env = {k: v for k, v in env.items() if not k.startswith("PG")}
    env["COLUMNS"] = "200"  # keep rich from wrapping summary lines
    return env


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine() -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    commit = None
    with contextlib.suppress(OSError):
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
            or None
        )
    import sqlite3

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "vaderSentiment": metadata.version("vaderSentiment"),
        "sqlalchemy": metadata.version("SQLAlchemy"),
        "commit": commit,
    }


def stamp() -> dict[str, Any]:
    """When and under what load a measurement was taken."""
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_average": load_average(),
    }


def read_results(path: Path = RESULTS) -> dict[str, Any]:
    """results.json as a dict of benchmarks; the old ingest-only layout is migrated on read."""
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if "sizes" in data and "ingest" not in data:  # before `python -m benchmarks`: ingest only
        return {"ingest": {"sqlite": data}}
    return data


def merge_results(name: str, value: dict[str, Any], path: Path = RESULTS) -> None:
    """Replace one benchmark's entry (per backend when it has them), keep everything else.

    Under a file lock: two benchmark runs may finish at the same time.
    """
    from filelock import FileLock

    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(Path(tempfile.gettempdir()) / "repmon-benchmarks-results.lock"):
        data = read_results(path)
        current = data.get(name)
        if isinstance(current, dict) and set(value) <= set(BACKENDS) and value:
            current.update(value)
            data[name] = current
        else:
            data[name] = value
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        path.write_text(text, encoding="utf-8")
