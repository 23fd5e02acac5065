"""Moved lines in one commit, read from its zero-context patch as `git log -p` streams it.

A line is moved when the commit deletes it in one place and adds it, identical but for leading and trailing
whitespace, somewhere else: another file, or another hunk of the same file. A renamed file (deleted and added
with the same blob) moves every one of its lines. A line deleted and re-added within one hunk (re-indented in
place) is not a move. Lines with fewer than MIN_ALNUM letters or digits (blank lines, braces, `pass`, `else:`)
count only as part of a renamed file: they match by chance too often to say anything moved.
"""

from __future__ import annotations

import re
import string
from collections import Counter, defaultdict

MIN_ALNUM = 8
HUNK = re.compile(rb"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")
INDEX = re.compile(rb"^index ([0-9a-f]+)\.\.([0-9a-f]+)")
NOT_ALNUM = bytes(
    byte for byte in range(128) if chr(byte) not in string.ascii_letters and chr(byte) not in string.digits
)
EMPTY_BLOB = re.compile(rb"^0+$")


class _FileDiff:
    """One file's part of the patch: its blobs and the line keys it deleted and added."""

    def __init__(self) -> None:
        self.old_blob = b""
        self.new_blob = b""
        self.deleted_lines = 0
        self.added_lines = 0
        self.deleted: Counter[int] = Counter()
        self.added: Counter[int] = Counter()

    @property
    def whole_file_deleted(self) -> bool:
        return bool(self.old_blob) and EMPTY_BLOB.match(self.new_blob) is not None

    @property
    def whole_file_added(self) -> bool:
        return bool(self.new_blob) and EMPTY_BLOB.match(self.old_blob) is not None


class MovedLines:
    """Fed one commit's patch line by line (bytes, as git wrote them); `total()` is the commit's moved lines."""

    def __init__(self) -> None:
        self.files: list[_FileDiff] = []
        self.old_left = self.new_left = 0
        self.hunk_deleted: Counter[int] = Counter()
        self.hunk_added: Counter[int] = Counter()

    def feed(self, line: bytes) -> None:
        if self.old_left or self.new_left:
            self._hunk_line(line)
            return
        if line.startswith(b"diff --git "):
            self._hunk_close()
            self.files.append(_FileDiff())
        elif line.startswith(b"@@ ") and self.files:
            self._hunk_close()
            match = HUNK.match(line)
            if match:
                self.old_left = int(match.group(1) or b"1")
                self.new_left = int(match.group(2) or b"1")
        elif line.startswith(b"index ") and self.files:
            match = INDEX.match(line)
            if match:
                self.files[-1].old_blob, self.files[-1].new_blob = match.group(1), match.group(2)

    def _hunk_line(self, line: bytes) -> None:
        sign, content = line[:1], line[1:]
        current = self.files[-1]
        if sign == b"-":
            self.old_left -= 1
            current.deleted_lines += 1
            key = _key(content)
            if key is not None:
                self.hunk_deleted[key] += 1
        elif sign == b"+":
            self.new_left -= 1
            current.added_lines += 1
            key = _key(content)
            if key is not None:
                self.hunk_added[key] += 1
        elif sign == b" ":
            self.old_left, self.new_left = max(self.old_left - 1, 0), max(self.new_left - 1, 0)
        if not (self.old_left or self.new_left):
            self._hunk_close()

    def _hunk_close(self) -> None:
        """A line deleted and added within one hunk was edited in place (re-indented), not moved."""
        if not self.files or not (self.hunk_deleted or self.hunk_added):
            return
        in_place = self.hunk_deleted & self.hunk_added
        current = self.files[-1]
        current.deleted.update(self.hunk_deleted - in_place)
        current.added.update(self.hunk_added - in_place)
        self.hunk_deleted, self.hunk_added = Counter(), Counter()

    def total(self) -> int:
        self._hunk_close()
        self.old_left = self.new_left = 0
        gone: dict[bytes, list[_FileDiff]] = defaultdict(list)
        came: dict[bytes, list[_FileDiff]] = defaultdict(list)
        for file in self.files:
            if file.whole_file_deleted:
                gone[file.old_blob].append(file)
            elif file.whole_file_added:
                came[file.new_blob].append(file)
        renamed: set[int] = set()
        moved = 0
        for blob, added_files in came.items():
            for deleted_file, added_file in zip(gone.get(blob, []), added_files, strict=False):
                renamed.update((id(deleted_file), id(added_file)))
                moved += added_file.added_lines
        deleted: Counter[int] = Counter()
        added: Counter[int] = Counter()
        for file in self.files:
            if id(file) not in renamed:
                deleted.update(file.deleted)
                added.update(file.added)
        return moved + sum((deleted & added).values())


def _key(content: bytes) -> int | None:
    stripped = content.strip()
    if len(stripped.translate(None, NOT_ALNUM)) < MIN_ALNUM:
        return None
    return hash(stripped)
