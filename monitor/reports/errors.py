"""Report errors: a usage problem (bad date, Slack not set up) is exit 2 at the CLI.

RepmonError
└── ReportError            cannot build or post this report as asked
"""

from __future__ import annotations

from monitor.errors import RepmonError


class ReportError(RepmonError):
    """The report cannot be produced or posted as requested; the message says why."""
