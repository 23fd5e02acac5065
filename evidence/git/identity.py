"""Which repository a clone is: known by the repository itself, never by the folder it was cloned into.

Strongest first: the GitHub full name (for a synced repository), else the normalised `origin` URL, else the
repository's root commit. Two unrelated repositories cloned into folders of the same name stay two; one repository
cloned twice, or synced from GitHub and imported from a clone, is one.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from evidence.git.log import git

# scp-like syntax, as git documents it: `[user@]host:path`, with no slash before the first colon.
SCP_LIKE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>(?!//).+)$")
GITHUB_API_HOST = "api.github.com"
GITHUB_WEB_HOST = "github.com"


def remote_identity(url: str) -> str:
    """`host/path` of a remote URL, the same for its https, ssh and scp-like spellings.

    Lower-cased (GitHub and GitLab names are case-insensitive), without user, port, trailing `/` or `.git`. A
    remote on the local file system (a path or `file://`) is `file:/absolute/path`.
    """
    text = url.strip()
    if "://" in text:
        parts = urlsplit(text)
        if parts.scheme == "file":
            return f"file:{path_trim(parts.path)}"
        host, path = parts.hostname or "", parts.path
    elif (found := SCP_LIKE.match(text)) and not Path(text).exists():
        host, path = found.group("host"), found.group("path")
    else:
        return f"file:{path_trim(str(Path(text).resolve()))}"
    return f"{host.lower()}/{path_trim(path).lstrip('/').lower()}"


def path_trim(path: str) -> str:
    return path.rstrip("/").removesuffix(".git").rstrip("/")


def github_identity(*, base_url: str, full_name: str) -> str:
    """A synced repository's identity: its web host and OWNER/NAME, as a clone's `origin` URL normalises to.

    github.com's API lives at api.github.com; GitHub Enterprise serves its API at https://HOST/api/v3.
    """
    host = (urlsplit(base_url).hostname or GITHUB_API_HOST).lower() if base_url else GITHUB_API_HOST
    web_host = GITHUB_WEB_HOST if host == GITHUB_API_HOST else host
    return f"{web_host}/{full_name.lower()}"


def repository_identity(path: Path, *, empty: bool = False) -> tuple[str, str]:
    """(identity, display name) of the clone at PATH: its `origin` URL's, else its root commit's.

    The display name is the URL's OWNER/NAME (a file remote's folder), or without `origin` the clone's folder
    name. A history with several root commits is known by the smallest, so every clone of it agrees. An EMPTY
    repository without `origin` has neither, and is known by its path until it has a commit.
    """
    folder = path.name.removesuffix(".git")
    if "origin" in git(path, "remote").split():
        identity = remote_identity(git(path, "config", "--get", "remote.origin.url"))
        if identity.startswith("file:"):
            return identity, Path(identity.removeprefix("file:")).name
        return identity, identity.split("/", 1)[1]
    if empty:
        return f"path:{path}", folder
    roots = sorted(git(path, "rev-list", "--max-parents=0", "HEAD").split())
    return f"root:{roots[0]}", folder
