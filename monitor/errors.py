"""The one error type the library raises for the user: a plain message and the exit code it calls for.

Every failure a person can act on (invalid data, a setting, the mail server, a file another program changed, a
lock held by another command) is a MonitorError subclass, so that `cli.main` can turn any of them into one line
and an exit code, and nothing the user can cause ends as "internal error". This module imports nothing of ours.
"""
from __future__ import annotations


class MonitorError(Exception):
    """A failure with a message for the user; `exit_code` 1 for data and environment, 2 for a wrong command line."""

    exit_code = 1


class FileLocked(MonitorError):
    """Another monitor command holds the data file's lock and did not finish in time."""
