"""One reader of `Key: value` lines for commit messages and pull request descriptions, local git and GitHub alike.

Git's trailer block is only a message's last paragraph (git-interpret-trailers(1)), but real messages carry
co-author and session lines elsewhere: a squash merge folds each branch commit's message into the body as
`* subject` bullets, each with its own `Co-authored-by:` lines; tools glue a co-author line to the line above it;
a session line follows a blank line after the co-author. So every line shaped like a trailer counts, wherever it
stands; the attribution rules (data) decide which of them name an AI tool.

Shapes read, as git itself accepts them: any capitalisation of the key, spaces or a tab before the colon (git's
separator may follow whitespace), indented lines, and folded values (a following line that starts with whitespace
continues the value, as RFC 822 headers fold). A line that is only a URL is kept apart as a link, for the markers
that tools write as a bare session URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A key is one token (letters, digits, hyphens), as in git's trailers; the value must not start with "//", so that
# "https://…" is a link, not a trailer keyed "https".
TRAILER_LINE = re.compile(r"^[ \t]*([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(?!//)(\S.*?)\s*$")
LINK_LINE = re.compile(r"^\s*<?(https?://\S+?)>?\s*$", re.IGNORECASE)


@dataclass
class MessageTrailers:
    """The `(key, value)` pairs of a text, in order, and its lines that are only a URL."""

    pairs: list[tuple[str, str]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def trailers_read(text: str) -> MessageTrailers:
    """Every `Key: value` line of TEXT, wherever it stands, keys and values stripped and values unfolded.

    TEXT is a commit message without its subject line (a subject such as `fix: parser` is not a trailer) or a pull
    request description. Keys keep their spelling; rules match them case-insensitively.
    """
    found = MessageTrailers()
    folding = False
    for line in text.splitlines():
        trailer = TRAILER_LINE.match(line)
        if trailer:
            found.pairs.append((trailer.group(1), trailer.group(2)))
            folding = True
            continue
        if folding and line[:1] in (" ", "\t") and line.strip():
            key, value = found.pairs[-1]
            found.pairs[-1] = (key, f"{value} {line.strip()}")
            continue
        folding = False
        link = LINK_LINE.match(line)
        if link:
            found.links.append(link.group(1))
    return found


def message_trailers(message: str) -> MessageTrailers:
    """The trailers and links of a whole commit message: everything after its subject line."""
    _, _, rest = message.partition("\n")
    return trailers_read(rest)
