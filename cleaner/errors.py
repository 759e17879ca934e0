"""Errors raised by :mod:`cleaner`.

Every error derives from :class:`CleanerError`. The library raises; only the command
line turns errors into messages and exit codes.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "BatchSetupError",
    "CleanerError",
    "ConfigError",
    "InputError",
    "InputReadError",
    "InputTooLargeError",
    "InputTypeError",
    "MissingExtraError",
    "ModelError",
    "ModelFormatError",
    "ModelVersionError",
    "OutputClashError",
    "PageTimeoutError",
    "SampleFilesError",
    "SampleFormatError",
    "UnsafeModelFileError",
    "UnsupportedInputError",
]


class CleanerError(Exception):
    """Root of every error that :mod:`cleaner` raises on purpose."""

    def command_line_message(self) -> str:
        """The message as the command line prints it: where the library's message names
        a Python argument (``custom_labels=...``), this one names the command line's
        flag (``--custom-labels``). The library's message by default."""
        return str(self)


class InputError(CleanerError, ValueError):
    """An input cannot be used as a page: the root of the input errors.

    :class:`InputReadError` (a file or stream that cannot be read or decoded),
    :class:`InputTooLargeError` (over the size limits), :class:`InputTypeError` (an
    argument of the wrong type) and :class:`UnsupportedInputError` (a kind of input,
    or an option, that is not supported). Every entry point reads files through
    :mod:`cleaner.io`, which raises the first two.
    """


class InputTypeError(InputError, TypeError):
    """The input is not text (for example ``bytes`` where ``str`` is expected)."""


class SampleFormatError(CleanerError, ValueError):
    """A labelled sample file is malformed; the message names the file and line.

    ``cli_message``, when the advice differs on the command line (a flag instead of a
    Python argument), is the message :meth:`command_line_message` gives instead.
    """

    def __init__(self, path: str, line: int | None, message: str, *, cli_message: str | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        self._cli = f"{where}: {cli_message}" if cli_message is not None else None
        super().__init__(f"{where}: {message}")

    def command_line_message(self) -> str:
        return self._cli if self._cli is not None else str(self)


class SampleFilesError(SampleFormatError):
    """Several sample files are malformed: every one is reported, not only the first.

    Attributes:
        errors: the error of each bad file, in the order the files were read; ``path``
            and ``line`` are the first one's.
    """

    def __init__(self, errors: Sequence[SampleFormatError]) -> None:
        if not errors:
            raise ValueError("SampleFilesError needs at least one error")
        self.errors = list(errors)
        self.path, self.line = self.errors[0].path, self.errors[0].line
        head = f"{len(self.errors)} sample file(s) have errors; correct them all and run again:"
        self._cli = "\n  ".join([head, *(e.command_line_message() for e in self.errors)])
        CleanerError.__init__(self, "\n  ".join([head, *(str(e) for e in self.errors)]))


class ModelError(CleanerError):
    """A model file cannot be used (missing, corrupt, or not a cleaner model)."""


class ModelVersionError(ModelError):
    """A model file was made by another version of cleaner or scikit-learn."""


class UnsafeModelFileError(ModelError):
    """A model file is in a format whose loading runs code (a pickle, as joblib writes).

    Refused before any of its content is read; load it with ``trust_pickle=True``
    (``--trust-pickle``) only if you trust its source, and convert it once to the
    safe format (``cleaner model convert``).
    """


class ModelFormatError(ModelError):
    """A model file is damaged or tampered with: a member missing or unexpected, a value
    of the wrong type, an array of the wrong dtype or shape (:mod:`cleaner.model.files`)."""


class ConfigError(CleanerError, ValueError):
    """An option of :class:`cleaner.CleanerConfig` has a wrong type or value."""


class UnsupportedInputError(InputError):
    """An input file's kind is not supported (yet)."""


class InputTooLargeError(InputError):
    """The input is larger than :attr:`cleaner.CleanerConfig.max_chars` allows, or
    holds more units than :attr:`cleaner.CleanerConfig.max_units` allows."""


class InputReadError(InputError):
    """An input file or stream cannot be read as a page: unreadable, binary, not
    decodable, or truncated (:mod:`cleaner.io`).

    ``cleaner clean`` reports it with exit code 2; batch runs report it with the
    file's path and go on with the other inputs.
    """


class BatchSetupError(CleanerError):
    """A batch run cannot start: its input or output directory cannot be used.

    The input is not a directory; the output directory holds files of another run
    (continue it with ``--resume``, or choose an empty directory); or ``--resume``
    was given options or an input tree that differ from the run being resumed, which
    would mix two different outputs; or the Dask scheduler cannot be reached.
    """


class PageTimeoutError(CleanerError):
    """A page took longer than its time budget: ``cleaner batch --page-timeout`` (a
    watchdog, :mod:`cleaner.batch.watchdog`) or :attr:`cleaner.CleanerConfig.page_timeout`
    (checks between the steps of cleaning, :mod:`cleaner.budget`).

    Batch runs report it with the page's path (and WARC record) and go on. (Not a
    ``TimeoutError``: that is an ``OSError``, which batch runs treat as a failing disk.)
    """


class OutputClashError(CleanerError):
    """An input's output file would have the name of a directory of outputs.

    ``cleaner batch -f markdown`` writes ``x.txt`` to ``OUT/x.txt.md``; when the input
    tree also holds a directory ``x.txt.md/``, the two cannot both exist in ``OUT``.
    """


class MissingExtraError(CleanerError, ImportError):
    """An entry point needs an optional dependency that is not installed.

    The message names the extra that brings it (``pip install 'cleaner[pandas]'``).
    Also an :class:`ImportError`, so code that guards an import keeps working.

    Attributes:
        feature: what was called (``"cleaner.clean_frame"``).
        module: the module that could not be imported (``"pandas"``).
        extra: the extra of ``cleaner`` that installs it (``"pandas"``).
    """

    def __init__(self, feature: str, module: str, extra: str) -> None:
        self.feature = feature
        self.module = module
        self.extra = extra
        super().__init__(
            f"{feature} needs {module}, which is not installed: pip install 'cleaner[{extra}]'", name=module
        )

    def __reduce__(self) -> tuple[type[MissingExtraError], tuple[str, str, str]]:
        return type(self), (self.feature, self.module, self.extra)
