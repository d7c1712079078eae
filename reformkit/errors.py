"""Error types. A ReformkitError is a *user* error: the CLI prints its problems and exits 2, no traceback."""
from __future__ import annotations


class ReformkitError(Exception):
    """Base class for errors caused by input, data or parameters the user controls.

    ``problems`` holds one line per problem; the CLI prints each on its own line on stderr.
    """

    exit_code = 2

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = list(problems) if problems else [message]
        super().__init__(message if not problems else message + "\n" + "\n".join(f"  - {p}" for p in self.problems))
        self.message = message


class DataError(ReformkitError):
    """A dataset (offline mirror, download, cache) is missing, malformed or inconsistent."""


class CacheMissingError(DataError):
    """The data cache has not been filled; the message names the command that fills it."""


class ScenarioError(ReformkitError):
    """A scenario file or dict is invalid. ``problems`` lists every problem found."""


class ParameterError(ReformkitError):
    """A parameter file or an ``assumptions`` override is invalid."""


class InfeasibleError(ReformkitError):
    """Constraints given to a model cannot all be met; the message says which to relax."""
