"""Text inputs (PED, families sheet, config) read strictly as UTF-8: a byte-order mark or bytes of another encoding
stop with one line naming the file and line, instead of a traceback or ids that silently fail to match."""

from __future__ import annotations

from pathlib import Path

from rarevar.errors import InputError

BOM = b"\xef\xbb\xbf"


def read_text(path: str | Path, what: str) -> str:
    """The whole file as text. `what` names the kind of file in messages ("PED file", "families sheet")."""
    path = Path(path)
    data = read_bytes(path, what)
    if data.startswith(BOM):
        raise InputError(
            path, f"{what} starts with a UTF-8 byte-order mark (as some editors and spreadsheets save)",
            f"Save it as UTF-8 without a byte-order mark, e.g. sed -i '1s/^\\xEF\\xBB\\xBF//' {path}", "line 1",
        )  # fmt: skip
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(
            path, f"{what} is not UTF-8 (byte 0x{data[error.start]:02x} cannot be decoded)",
            f"Save it as UTF-8, e.g. iconv -f latin1 -t utf-8 {path} > fixed", f"line {line}",
        ) from None  # fmt: skip


def read_bytes(path: Path, what: str) -> bytes:
    """The file's bytes; a missing, unreadable or looping path stops with one line naming it."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise unreadable(path, what, error, "Check the path") from None


def check_file(path: str | Path, what: str, fix: str, where: str | None = None) -> None:
    """A path that must name a readable file: a missing one, a folder, a loop of links or an unreadable file each
    get their own one-line message (`fix` says where to correct the path)."""
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as error:
        raise unreadable(Path(path), what, error, fix, where) from None


def unreadable(path: Path, what: str, error: OSError, fix: str, where: str | None = None) -> InputError:
    if isinstance(error, FileNotFoundError):
        return InputError(path, f"{what} does not exist", fix, where)
    if isinstance(error, IsADirectoryError):
        return InputError(path, f"{what} is a folder, not a file", fix, where)
    if isinstance(error, PermissionError):
        return InputError(path, f"{what} cannot be read (permission denied)", f"Make it readable. {fix}", where)
    return InputError(path, f"{what} cannot be read ({error.strerror or error})", fix, where)
