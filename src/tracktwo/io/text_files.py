"""The one way the command line reads a text file someone gives it: UTF-8 or nothing.

Surveys, Pol.is exports, community lists and scenario files all come from spreadsheets,
other tools or other people's folders. Each is read here: UTF-8 with or without the
byte-order mark that spreadsheet programs write is accepted; UTF-16 (also written by
spreadsheet programs), other encodings and binary data are refused with a message that
names the file and says what to do. Nothing here raises anything but a ValidationError.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from tracktwo.errors import ValidationError

LARGEST_FILE = 512 * 1024 * 1024


def read_text_file(path: str | Path, what: str = "file") -> str:
    """Return the text of ``path``, or raise ValidationError naming the file and the problem."""
    path = Path(path)
    try:
        if path.is_dir():
            raise ValidationError(f"the {what} {path} is a folder; give a file")
        if path.stat().st_size > LARGEST_FILE:
            raise ValidationError(f"the {what} {path} is larger than 512 MB; split it")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"the {what} {path} does not exist") from None
    except OSError as error:
        raise ValidationError(f"cannot read the {what} {path}: {error.strerror}") from None
    return decode_text(raw, f"the {what} {path}")


def decode_text(raw: bytes, name: str) -> str:
    """Decode UTF-8 (a leading byte-order mark dropped); refuse UTF-16 and binary data."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or raw.startswith(
        (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
    ):
        raise ValidationError(
            f"{name} is saved as UTF-16 or UTF-32; save it again as 'CSV UTF-8' (or UTF-8 text)"
        )
    if b"\x00" in raw:
        raise ValidationError(f"{name} holds binary data (a zero byte); give a text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            f"{name} is not UTF-8 text (byte {error.start} cannot be read); save it again as UTF-8"
        ) from None
    return text
