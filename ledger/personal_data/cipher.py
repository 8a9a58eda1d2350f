"""AES-GCM tokens for personal fields: pure functions, no keys stored here.

A token is ``pd1:`` + base64(nonce | ciphertext | tag). Its associated data is
the account id and the field's place in the event (``ContactAttempted.note``),
so a token copied to another account or another field does not decrypt: a
database editor cannot make one debtor's note appear on another's account.
"""

from __future__ import annotations

import base64
import os
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "pd1:"
NONCE_BYTES = 12
KEY_BITS = 256


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BITS)


def is_token(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def _associated_data(account_id: UUID, field: str) -> bytes:
    return f"{account_id}|{field}".encode()


def seal(key: bytes, account_id: UUID, field: str, plaintext: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), _associated_data(account_id, field))
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def unseal(key: bytes, account_id: UUID, field: str, token: str) -> str | None:
    """The plaintext, or None when the token was not sealed for this account and field
    under this key (moved, altered, or sealed under a key since destroyed)."""
    if not is_token(token):
        return None
    try:
        raw = base64.b64decode(token[len(PREFIX) :], validate=True)
        opened = AESGCM(key).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated_data(account_id, field)
        )
    except (InvalidTag, ValueError):
        return None
    return opened.decode()
