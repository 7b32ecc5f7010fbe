"""Throwaway PostgreSQL clusters from the installed binaries: real-server tests, fully offline."""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SUPERUSER = "postgres"
"""Database superuser created by initdb (trust auth, no password)."""

OS_USER = "postgres"
"""OS account that runs the server when we are root (initdb and postgres refuse to run as root)."""

BINDIR_ENV = "REPMON_PG_BINDIR"
"""Optional override: a directory holding initdb, pg_ctl and postgres."""

HOST = "127.0.0.1"
_SERVER_BINARIES = ("initdb", "pg_ctl", "postgres")
_START_ATTEMPTS = 5
_START_TIMEOUT_S = 30
_STOP_TIMEOUT_S = 10
_MAX_SOCKET_DIR_LEN = 80  # unix socket paths are limited to ~107 bytes, incl. "/.s.PGSQL.NNNNN"
_SHM = "/dev/shm"
_MIN_FREE_BYTES = 1 << 30
_PORT_IN_USE = re.compile(r"could not bind|address already in use|could not create any TCP", re.I)
# Fast, disposable and deterministic: durability off, UTC so timestamps render the same everywhere.
_SERVER_SETTINGS = (
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "max_connections=100",
    "TimeZone=UTC",
)


class PostgresUnavailableError(RuntimeError):
    """No usable PostgreSQL server binaries (initdb, pg_ctl, postgres) were found."""


class PostgresStartError(RuntimeError):
    """The throwaway cluster could not be initialised or started."""


def find_bindir() -> Path | None:
    """The newest directory holding initdb, pg_ctl and postgres, or None when there is none.

    Looks at $REPMON_PG_BINDIR, then `pg_config --bindir`, then /usr/lib/postgresql/*/bin
    (newest version first), then initdb on PATH. A `pg_config` from libpq-dev alone points at a
    directory without a server, so every candidate is checked for the three binaries.
    """
    override = os.environ.get(BINDIR_ENV)
    if override:
        if not _is_server_bindir(Path(override)):
            raise PostgresUnavailableError(
                f"${BINDIR_ENV}={override} does not contain {', '.join(_SERVER_BINARIES)}"
            )
        return Path(override)
    return next((d for d in _candidate_bindirs() if _is_server_bindir(d)), None)


def require_bindir() -> Path:
    """Like find_bindir, but raise a clear error when PostgreSQL is not installed."""
    bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailableError(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found via "
            f"${BINDIR_ENV}, pg_config --bindir, /usr/lib/postgresql/*/bin or PATH; "
            "install them, e.g. `apt-get install postgresql`"
        )
    return bindir


def _candidate_bindirs() -> Iterator[Path]:
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
            if out:
                yield Path(out)
    yield from sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        yield Path(initdb).resolve().parent  # /usr/local/bin/initdb may be a symlink


def _version_key(bindir: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", bindir.parent.name))


def _is_server_bindir(path: Path) -> bool:
    return all(os.access(path / name, os.X_OK) for name in _SERVER_BINARIES)


def _free_port(host: str = HOST) -> int:
    """A port the kernel says is free right now (it may be taken again before we use it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _as_root() -> bool:
    return os.geteuid() == 0


def _base_tempdir() -> str:
    """Where clusters live: RAM-backed /dev/shm when roomy (4-8x faster start and CREATE DATABASE
    than a disk, even with fsync off), else the temp dir, as long as the postgres OS user can
    traverse it and the socket path stays short; /tmp as the fallback.
    """
    if "TMPDIR" not in os.environ and _roomy(_SHM):
        return _SHM
    base = Path(tempfile.gettempdir()).resolve()
    traversable = all(p.stat().st_mode & stat.S_IXOTH for p in (base, *base.parents))
    if len(str(base)) > _MAX_SOCKET_DIR_LEN - 20 or (_as_root() and not traversable):
        return "/tmp"  # world-traversable (sticky), and only used through mkdtemp
    return str(base)


def _roomy(path: str) -> bool:
    """A writable dir with enough free space (Docker's default 64 MiB /dev/shm is too small)."""
    try:
        fs = os.statvfs(path)
    except OSError:
        return False
    return os.access(path, os.W_OK) and fs.f_bavail * fs.f_frsize >= _MIN_FREE_BYTES


def _server_env() -> dict[str, str]:
    """Our environment minus libpq's PG* variables, which could redirect or reconfigure tools."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"  # predictable tool messages; the cluster itself uses --locale=C
    return env


@dataclass
class PostgresServer:
    """A running throwaway cluster; stop() (also registered with atexit) removes everything."""

    bindir: Path
    basedir: Path
    port: int = 0
    host: str = HOST
    _running: bool = field(default=False, repr=False)

    @property
    def datadir(self) -> Path:
        return self.basedir / "data"

    @property
    def socket_dir(self) -> Path:
        return self.basedir

    @property
    def logfile(self) -> Path:
        return self.basedir / "postgres.log"

    @classmethod
    def start(cls, bindir: Path | None = None) -> PostgresServer:
        """initdb a new cluster in a fresh temp dir and start it on a free loopback port."""
        bindir = bindir or require_bindir()
        basedir = Path(tempfile.mkdtemp(prefix="repmon-pg-", dir=_base_tempdir()))
        server = cls(bindir=bindir, basedir=basedir)
        atexit.register(server.stop)  # safety net if the caller never reaches its own stop()
        try:
            if _as_root():
                import pwd

                try:
                    account = pwd.getpwnam(OS_USER)
                except KeyError:
                    raise PostgresStartError(
                        f"running as root needs an OS user {OS_USER!r} to run PostgreSQL "
                        f"(create it with `useradd --system {OS_USER}`)"
                    ) from None
                os.chown(server.basedir, account.pw_uid, account.pw_gid)
            server._initdb()
            server._start_on_free_port()
        except BaseException:
            server.stop()
            raise
        return server

    def url(self, dbname: str = "postgres") -> str:
        """SQLAlchemy URL (psycopg 3 driver) for a database on this server."""
        return f"postgresql+psycopg://{SUPERUSER}@{self.host}:{self.port}/{dbname}"

    def conninfo(self, dbname: str = "postgres") -> str:
        """libpq connection string (psycopg, psql); explicit values win over PG* variables."""
        return (
            f"host={self.host} port={self.port} user={SUPERUSER} dbname={dbname} "
            "sslmode=disable connect_timeout=10"
        )

    def create_database(self, name: str) -> str:
        """CREATE DATABASE name; returns its SQLAlchemy URL."""
        self._admin("CREATE DATABASE {}", name)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database even if connections are still open (PostgreSQL 13+)."""
        self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)

    def stop(self) -> None:
        """Stop the server at once (nothing to keep) and delete its directory. Idempotent."""
        atexit.unregister(self.stop)
        if self._running:
            self._running = False
            try:
                self._run(
                    "pg_ctl", "stop", "-D", str(self.datadir), "-m", "immediate",
                    "-w", "-t", str(_STOP_TIMEOUT_S),
                )  # fmt: skip
            except (PostgresStartError, subprocess.SubprocessError):
                self._kill_postmaster()
        if self.basedir.exists():
            shutil.rmtree(self.basedir, ignore_errors=True)

    # -- internals ---------------------------------------------------------------------------

    def _admin(self, template: str, name: str) -> None:
        try:
            import psycopg
            from psycopg import sql
        except ImportError as exc:
            raise PostgresUnavailableError(
                "psycopg is needed to manage test databases: pip install -e '.[postgres]'"
            ) from exc
        statement = sql.SQL(template).format(sql.Identifier(name))
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(statement)

    def _initdb(self) -> None:
        self._run(
            "initdb", "-D", str(self.datadir), "-A", "trust", "-U", SUPERUSER,
            "--no-sync", "-E", "UTF8", "--locale=C",
        )  # fmt: skip

    def _start_on_free_port(self) -> None:
        """pg_ctl start -w (waits until connections are accepted); new port if ours was taken."""
        for attempt in range(1, _START_ATTEMPTS + 1):
            self.port = _free_port(self.host)
            options = f"-h {self.host} -p {self.port} -k {self.socket_dir} " + " ".join(
                f"-c {setting}" for setting in _SERVER_SETTINGS
            )
            try:
                self._run(
                    "pg_ctl", "start", "-D", str(self.datadir), "-l", str(self.logfile),
                    "-o", options, "-w", "-t", str(_START_TIMEOUT_S),
                )  # fmt: skip
            except PostgresStartError as exc:
                log = self._log_tail()
                if attempt < _START_ATTEMPTS and _PORT_IN_USE.search(log):
                    continue
                raise PostgresStartError(f"{exc}\n--- {self.logfile} ---\n{log}") from None
            self._running = True
            return

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if _as_root():
            runuser = shutil.which("runuser") or "/usr/sbin/runuser"
            command = [runuser, "-u", OS_USER, "--", *command]
        result = subprocess.run(
            command,
            cwd=self.basedir,  # the caller's cwd may not be readable by the postgres user
            env=_server_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=_START_TIMEOUT_S + 30,
            check=False,
        )
        if result.returncode != 0:
            raise PostgresStartError(
                f"{' '.join(command)} failed with exit code {result.returncode}:\n"
                f"{result.stdout}{result.stderr}"
            )

    def _log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def _kill_postmaster(self) -> None:
        """Last resort when pg_ctl cannot stop the server: SIGKILL the postmaster by its pid."""
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((self.datadir / "postmaster.pid").read_text().splitlines()[0])
            os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def running_server(bindir: Path | None = None) -> Iterator[PostgresServer]:
    """`with running_server() as server:` start a cluster and always stop it afterwards."""
    server = PostgresServer.start(bindir)
    try:
        yield server
    finally:
        server.stop()
