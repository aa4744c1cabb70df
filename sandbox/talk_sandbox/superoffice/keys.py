"""The RSA keys of the system-user flow.

An integration registered with SuperOffice holds an RSA private key; SuperOffice holds its
public half and checks the signature on "<system user token>.<yyyyMMddHHmm UTC>" with it. The
sandbox ships a demo key pair for its demo app (`demo_app_key.pem`: made for the sandbox, never
used anywhere else). The emulator signs the JWTs it hands out with a key of its own, made when
it starts and published as a JWK set, as SuperOffice publishes its certificate.
"""
from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

DEMO_APP_KEY = Path(__file__).with_name("demo_app_key.pem")
TIMESTAMP = "%Y%m%d%H%M"


@lru_cache(maxsize=4)
def private_key(pem: bytes) -> rsa.RSAPrivateKey:
    return serialization.load_pem_private_key(pem, password=None)


def demo_app_private_pem() -> bytes:
    return DEMO_APP_KEY.read_bytes()


def public_pem(private_pem: bytes) -> bytes:
    return private_key(private_pem).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def sign_system_token(system_token: str, private_pem: bytes, at: datetime | None = None) -> str:
    """What an integration sends as SignedSystemToken: "<token>.<yyyyMMddHHmm>.<base64 signature>"
    (RSA PKCS#1 v1.5 with SHA-256 over "<token>.<yyyyMMddHHmm>")."""
    stamp = (at or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime(TIMESTAMP)
    signed = f"{system_token}.{stamp}"
    signature = private_key(private_pem).sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signed}.{base64.b64encode(signature).decode()}"


def verify_signature(public: bytes, message: str, signature_b64: str) -> bool:
    try:
        key = serialization.load_pem_public_key(public)
        key.verify(base64.b64decode(signature_b64, validate=True), message.encode(), padding.PKCS1v15(), hashes.SHA256())
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_int(value: int) -> str:
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


class TokenSigner:
    """RS256 JWTs signed with the emulator's own key, and that key as a JWK set."""

    kid = "talk-sandbox-superoffice"

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwt(self, claims: dict) -> str:
        header = {"alg": "RS256", "typ": "JWT", "kid": self.kid}
        body = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
        signature = self.key.sign(body.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{body}.{_b64url(signature)}"

    def jwks(self) -> dict:
        numbers = self.key.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                          "n": _b64url_int(numbers.n), "e": _b64url_int(numbers.e)}]}


def jwt_claims(token: str) -> dict:
    """The claims of a JWT, unverified (what a client reads the ticket from)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
