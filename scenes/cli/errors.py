"""The errors the command shows: one line on stderr, exit code 2 (bad input) or 1 (the system failed)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import click

__all__ = [
    "NetreelError", "RunFailed", "one_line", "os_error_text", "flags_as_keys", "keys_not_flags", "named", "FileEntry",
]

#: A scene name short and plain enough to show beside an entry's number.
_SHOWN_NAME = re.compile(r"[\w./:-]{1,60}")


class NetreelError(click.ClickException):
    """A problem with what the user asked for: one line, exit code 2."""

    exit_code = 2


class RunFailed(NetreelError):
    """The system failed a run that was asked for correctly (a full disk, a read-only folder): exit code 1."""

    exit_code = 1


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def os_error_text(error: OSError) -> str:
    """``"No space left on device: 'renders/x.gif'"``: the reason, then the file if there is one."""
    reason = error.strerror or one_line(error) or type(error).__name__
    return f"{reason}: {str(error.filename)!r}" if error.filename is not None else reason


def flags_as_keys(message: str, keys: Iterable[str]) -> str:
    """``message`` with the flag of each of ``keys`` written as the key: ``--max-size`` -> ``max_size``."""
    for key in keys:
        flag = re.escape("--" + key.replace("_", "-"))
        message = re.sub(rf"(?<![\w-]){flag}(?![\w-])", key, message)
    return message


@contextmanager
def keys_not_flags(keys: Iterable[str]) -> Iterator[None]:
    """Inside, a :class:`NetreelError` about a value of a spec or story file names its key, not its flag.

    (Options and settings check their values the same way wherever they come
    from, and name the command-line flag; a file's user looks for the key.)
    """
    try:
        yield
    except NetreelError as error:
        raise type(error)(flags_as_keys(error.message, keys)) from None


def named(ref: object, message: str) -> str:
    """``" (uat)"``: the scene an entry of a spec or story names, to follow its number in ``message``.

    "" when ``message`` names it already, or for odd text.
    """
    shown = isinstance(ref, str) and _SHOWN_NAME.fullmatch(ref) and ref not in message
    return f" ({ref})" if shown else ""


@dataclass(frozen=True)
class FileEntry:
    """An entry of a spec or story file, as its errors name it: where it is, its scene, its keys.

    Values are checked before anything renders, and those errors name the entry
    already; this names it in the errors a render raises later (a training that
    diverges, a GIF over its budget), with its keys for the flags they mention.
    """

    where: str  # "spec 'a.toml', scene 2"
    scene: str  # the scene the entry names, "uat"
    keys: tuple[str, ...]

    def explain(self, message: str) -> str:
        """``message`` (about this entry's render) as ``"spec 'a.toml', scene 2 (uat): lr ..."``."""
        return f"{self.where}{named(self.scene, message)}: {flags_as_keys(message, self.keys)}"
