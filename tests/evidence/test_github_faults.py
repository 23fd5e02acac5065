"""Rate-limit headers from a server are read as ASCII numbers only."""

from __future__ import annotations

from github import GithubException

from evidence.github.faults import JITTER, rate_limit_countdown


def test_a_rate_limit_header_that_is_not_an_ascii_number_is_not_a_countdown() -> None:
    # str.isdigit() also holds for '²', which int() refuses
    odd = GithubException(
        403, {"message": "forbidden"}, {"Retry-After": "²", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "²"}
    )
    assert rate_limit_countdown(odd) is None


def test_a_retry_after_header_is_a_countdown() -> None:
    limited = GithubException(403, {"message": "secondary rate limit"}, {"Retry-After": "30"})
    countdown = rate_limit_countdown(limited)
    assert countdown is not None
    assert 30 < countdown <= 30 + JITTER
