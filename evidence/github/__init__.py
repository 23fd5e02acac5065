"""GitHub through PyGithub: client construction, incremental sync, rate-limit handling, token encryption, a stand-in."""

from __future__ import annotations
