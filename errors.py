"""Errors that reach the user as one clear line (never a traceback)."""


class AgentsynthError(Exception):
    """Base class: its message is printed as-is by the CLI."""


class InputError(AgentsynthError):
    """A user input (file, folder, field) is missing or unusable."""

    def __init__(self, path: object, cause: str) -> None:
        self.path = str(path)
        self.cause = cause
        super().__init__(f"{self.path}: {cause}")

    def __reduce__(self):  # crosses process boundaries (files read by a pool) intact
        return type(self), (self.path, self.cause)


class StructuredOutputError(AgentsynthError):
    """A model reply stayed invalid after the allowed repairs."""

    def __init__(self, role: str, raw: str, error: str) -> None:
        self.role = role
        self.raw = raw
        self.error = error
        super().__init__(f"{role}: reply failed validation after repairs: {error}")


class BackendError(AgentsynthError):
    """A model call that failed for good (after retries, or at once when retrying cannot help)."""

    def __init__(self, backend: str, message: str, *, fatal: bool = False) -> None:
        super().__init__(f"{backend}: {message}")
        self.backend = backend
        self.fatal = fatal  # the backend cannot serve any item (bad key, unreachable): stop the run


class BudgetExhausted(AgentsynthError):
    """`--max-cost` / `--max-tokens` is spent: no further model calls."""
