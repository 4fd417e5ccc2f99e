"""Errors that reach the user as one clear line (never a traceback)."""


class AgentsynthError(Exception):
    """Base class: its message is printed as-is by the CLI."""


class InputError(AgentsynthError):
    """A user input (file, folder, field) is missing or unusable."""

    def __init__(self, path: object, cause: str) -> None:
        self.path = str(path)
        self.cause = cause
        super().__init__(f"{self.path}: {cause}")


class StructuredOutputError(AgentsynthError):
    """A model reply stayed invalid after the allowed repairs."""

    def __init__(self, role: str, raw: str, error: str) -> None:
        self.role = role
        self.raw = raw
        self.error = error
        super().__init__(f"{role}: reply failed validation after repairs: {error}")
