"""Errors the engine raises for conditions a user or admin can act on.

Each message says what is wrong and what to do, so the CLI and the bot can show it as is.
"""

from __future__ import annotations

import shlex


class NewsdeskError(Exception):
    """Base class for expected, user-facing engine errors."""


class IndexNotFoundError(NewsdeskError):
    """The index directory is missing, was never built, or holds no articles."""

    def __init__(self, index_dir: object, detail: str = "no index has been built there"):
        # Quoted for a shell where needed: a URL's "?" is a wildcard to zsh and fish.
        super().__init__(
            f"No usable index at {index_dir}: {detail}. Build one with: "
            f"python -m index build PATH... --index {shlex.quote(str(index_dir))}"
        )


class IndexMismatchError(NewsdeskError):
    """The index was built with a different embedding model or vector dimension."""


class BuildInProgressError(NewsdeskError):
    """Another build holds the index's build lock."""


class BuildError(NewsdeskError):
    """A build could not complete; the previous generation is still current."""


class StoreUnavailableError(NewsdeskError):
    """The store cannot be reached (a PostgreSQL server down, refusing, or misnamed)."""
