"""Readers: each turns the bytes of one input format into `records.Raw` reviews.

Nothing outside this package knows a file format. `read` picks the reader for a source.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..records import InputError, Raw


def decode(data: bytes, where: str) -> str:
    """Text from bytes: UTF-8 (with or without a byte-order mark), or UTF-16 with its mark."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError([f"{where}: not valid UTF-16 text"]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError([f"{where}:{line}: not UTF-8 text (byte {error.start}); save the file "
                          f"as UTF-8 and import it again"]) from None


def read(data: bytes, where: str) -> Iterator[Raw]:
    """The reviews in one input, as raw records; InputError if it cannot be read at all."""
    from . import yaml_reader

    return yaml_reader.read(decode(data, where), where)
