"""The root of repmon's exception tree, shared by every package.

RepmonError
├── ConfigError            invalid config.yaml or a missing env var (exit 2)
├── InputError             an input file or line that cannot be read (skipped and counted)
├── StorageError           the database is unreachable or not at the expected revision
├── connectors.ConnectorError  (see connectors.base)
└── InvalidTransition      a case action that its current state does not allow
"""

from __future__ import annotations


class RepmonError(Exception):
    """Base class for every error repmon raises on purpose."""


class ConfigError(RepmonError):
    """The configuration cannot be used; the message names the key path or variable."""


class InputError(RepmonError):
    """One input record is unusable; callers skip it and count it."""


class StorageError(RepmonError):
    """The database cannot be used as configured."""


class InvalidTransition(RepmonError):
    """A case cannot move from its current state with the requested action."""
