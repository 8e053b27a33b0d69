"""Recognise binary files by their first bytes, whatever their extension says."""

from __future__ import annotations

# (magic prefix, offset, what it is). Enough to catch the usual suspects renamed to .txt.
_MAGIC: list[tuple[bytes, int, str]] = [
    (b"\x89PNG\r\n\x1a\n", 0, "PNG image"),
    (b"\xff\xd8\xff", 0, "JPEG image"),
    (b"GIF87a", 0, "GIF image"),
    (b"GIF89a", 0, "GIF image"),
    (b"WEBP", 8, "WebP image"),
    (b"PK\x03\x04", 0, "ZIP archive"),
    (b"PK\x05\x06", 0, "ZIP archive"),
    (b"%PDF-", 0, "PDF document"),
    (b"\x7fELF", 0, "ELF executable"),
    (b"\x1f\x8b", 0, "gzip archive"),
    (b"BZh", 0, "bzip2 archive"),
    (b"\xfd7zXZ\x00", 0, "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "legacy MS Office document"),
    (b"ID3", 0, "MP3 audio"),
    (b"OggS", 0, "Ogg media"),
    (b"ftyp", 4, "MP4/QuickTime media"),
    (b"\xca\xfe\xba\xbe", 0, "Java class / Mach-O binary"),
    (b"\xcf\xfa\xed\xfe", 0, "Mach-O binary"),
    (b"SQLite format 3\x00", 0, "SQLite database"),
]


def sniff(data: bytes) -> str | None:
    """Name the binary format `data` starts with, or None when it is not a known one."""
    for magic, offset, name in _MAGIC:
        if data[offset:offset + len(magic)] == magic:
            return name
    if data[:2] == b"MZ" and b"\x00" in data[:512]:
        return "Windows executable"
    return None
