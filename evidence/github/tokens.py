"""GitHub tokens: from TOKENPROOF_GITHUB_TOKEN, or stored Fernet-encrypted under TOKENPROOF_FIELD_KEY (never SECRET_KEY)."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from evidence.models import GitHubConnection
from reviews.errors import ApplicationError


def field_cipher() -> Fernet:
    key = settings.TOKENPROOF_FIELD_KEY
    if not key:
        raise ApplicationError(
            "TOKENPROOF_FIELD_KEY is not set: generate one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
        )
    try:
        return Fernet(key.encode())
    except ValueError:
        raise ApplicationError("TOKENPROOF_FIELD_KEY is not a valid Fernet key (32 url-safe base64 bytes)") from None


def github_connection_store(*, org: str, base_url: str, token: str) -> GitHubConnection:
    """Save (or replace) an organisation's token, encrypted; the plain token is never written anywhere."""
    if not token.strip():
        raise ApplicationError("the GitHub token is empty")
    encrypted = field_cipher().encrypt(token.strip().encode()).decode()
    connection, _ = GitHubConnection.objects.update_or_create(
        org=org, base_url=base_url, defaults={"token_encrypted": encrypted}
    )
    return connection


def github_token(*, org: str, base_url: str) -> str:
    if settings.TOKENPROOF_GITHUB_TOKEN:
        return str(settings.TOKENPROOF_GITHUB_TOKEN)
    connection = GitHubConnection.objects.filter(org=org, base_url=base_url).exclude(token_encrypted="").first()
    if connection is None:
        raise ApplicationError(
            f"no GitHub token for {org} at {base_url}: set TOKENPROOF_GITHUB_TOKEN or store one with "
            "`sync_github --org ORG --store-token` (read from standard input)"
        )
    try:
        return field_cipher().decrypt(connection.token_encrypted.encode()).decode()
    except InvalidToken:
        raise ApplicationError(
            f"the stored GitHub token for {org} cannot be decrypted: TOKENPROOF_FIELD_KEY changed; store the token again"
        ) from None
