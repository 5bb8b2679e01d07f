"""The iads exception tree: every error the library raises on purpose.

    IadsError                  base of all iads errors
    ├── InputError             bad input from a user: the CLI prints it and exits 2
    │   ├── ScenarioError      a scenario or campaign file that does not validate
    │   ├── CatalogError       an unknown catalog key, or a catalog file that does not validate
    │   ├── ParameterError     a bad argument to a public function (negative range, ...)
    │   └── OutputError        an output file that cannot be written (says what was written)
    └── SimulationError        the simulation cannot continue (a model left its domain)

Anything else that escapes the library is a bug and shows its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CatalogError",
    "IadsError",
    "InputError",
    "OutputError",
    "ParameterError",
    "Problem",
    "ScenarioError",
    "SimulationError",
]


class IadsError(Exception):
    """Base class of every error iads raises on purpose."""


class InputError(IadsError):
    """Bad input from the user (file, option or argument); the CLI exits with status 2."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    ``path`` is the YAML path inside the document (``defenders[0].position.lat``),
    ``line`` the 1-based line where the YAML parser located it (``None`` if unknown).
    """

    path: str
    message: str
    line: int | None = None

    def format(self, file: str | None) -> str:
        where = file or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        loc = f" {self.path}:" if self.path else ""
        return f"{where}:{loc} {self.message}"


class ScenarioError(InputError):
    """A scenario (or campaign) document that does not validate; lists every problem."""

    def __init__(self, file: str | None, problems: list[Problem]):
        self.file = file
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{file or '<input>'}: {n} problem{'s' if n != 1 else ''}"
        super().__init__("\n".join([head] + ["  " + p.format(file) for p in self.problems]))


class CatalogError(InputError):
    """An unknown catalog key, or a catalog file that does not validate."""


class ParameterError(InputError, ValueError):
    """A bad argument to a public function: names the parameter, the value and what is allowed."""

    def __init__(self, name: str, value: object, allowed: str, func: str | None = None):
        self.name, self.value, self.allowed = name, value, allowed
        of = f" of {func}" if func else ""
        super().__init__(f"The '{name}' parameter{of} must be {allowed}; got {value!r}.")


class OutputError(InputError):
    """An output file that could not be written (full disk, permissions). ``written`` lists
    the files of the same batch that were written completely before it."""

    def __init__(self, path: object, cause: BaseException, written: list | None = None):
        self.path, self.cause, self.written = path, cause, list(written or [])
        super().__init__(self._message())

    def _message(self) -> str:
        msg = f"could not write {self.path}: {self.cause}"
        if self.written:
            msg += "; written completely: " + ", ".join(str(p) for p in self.written)
        return msg

    def with_written(self, written: list) -> OutputError:
        """The same error, listing ``written`` as the files that were written."""
        return OutputError(self.path, self.cause, written)


class SimulationError(IadsError):
    """The simulation cannot continue (a model was driven outside its domain)."""
