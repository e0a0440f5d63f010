import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import text

from budget_api import create_app
from conftest import SECRET, count_rows, h, make_settings, register


def test_register_returns_token_and_hashes_password(client, raw_engine):
    resp = client.post("/api/auth/register", json={"email": "New@Example.com", "password": "s3cret-pass", "name": "N"})
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    assert body["user"]["email"] == "new@example.com"
    claims = jwt.decode(body["access_token"], SECRET, algorithms=["HS256"])
    assert claims["sub"] == str(body["user"]["id"])
    with raw_engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert "s3cret-pass" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))

    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.get_json()["email"] == "new@example.com"


def test_register_duplicate_email_is_409_case_insensitive(client, raw_engine):
    register(client, "dup@example.com")
    resp = client.post("/api/auth/register", json={"email": "DUP@example.com", "password": "another-pass"})
    assert resp.status_code == 409
    assert resp.get_json()["field"] == "email"
    assert count_rows(raw_engine, "users") == 1


@pytest.mark.parametrize("payload, field", [
    ({"password": "longenough"}, "email"),
    ({"email": "not-an-email", "password": "longenough"}, "email"),
    ({"email": "a@example.com"}, "password"),
    ({"email": "a@example.com", "password": "short"}, "password"),
    ({"email": "a@example.com", "password": 12345678}, "password"),
    ({"email": "a@example.com", "password": "longenough", "admin": True}, "admin"),
    ({"email": "a@example.com", "password": "longenough", "name": "x" * 101}, "name"),
    ([1, 2], "body"),
])
def test_register_validation_names_the_field(client, raw_engine, payload, field):
    resp = client.post("/api/auth/register", json=payload)
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["error"] == "validation_error" and body["field"] == field
    assert field in body["message"]
    assert count_rows(raw_engine, "users") == 0


def test_non_json_body_is_400(client):
    resp = client.post("/api/auth/register", data="email=a", content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 400 and resp.get_json()["field"] == "body"
    resp = client.post("/api/auth/login", data="{not json", content_type="application/json")
    assert resp.status_code == 400 and resp.get_json()["field"] == "body"


def test_login(client):
    register(client, "carol@example.com", password="carol-password")
    ok = client.post("/api/auth/login", json={"email": "CAROL@example.com", "password": "carol-password"})
    assert ok.status_code == 200 and ok.get_json()["access_token"]
    wrong = client.post("/api/auth/login", json={"email": "carol@example.com", "password": "wrong-password"})
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "invalid_credentials"
    unknown = client.post("/api/auth/login", json={"email": "nobody@example.com", "password": "whatever1"})
    assert unknown.status_code == 401 and unknown.get_json()["error"] == "invalid_credentials"


def test_protected_endpoints_need_a_valid_token(client, alice):
    assert client.get("/api/categories").status_code == 401
    assert client.get("/api/categories", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    uid = alice["_user"]["id"]
    now = int(time.time())
    expired = jwt.encode({"sub": str(uid), "iat": now - 7200, "exp": now - 3600, "type": "access"}, SECRET, "HS256")
    resp = client.get("/api/categories", headers={"Authorization": f"Bearer {expired}"})
    assert resp.status_code == 401 and resp.get_json()["error"] == "token_expired"
    forged = jwt.encode({"sub": str(uid), "iat": now, "exp": now + 60, "type": "access"}, "other-key" * 4, "HS256")
    resp = client.get("/api/categories", headers={"Authorization": f"Bearer {forged}"})
    assert resp.status_code == 401 and resp.get_json()["error"] == "invalid_token"
    assert "Bearer" in resp.headers["WWW-Authenticate"]
    assert client.get("/api/categories", headers=h(alice)).status_code == 200


# ------------------------------------------------------------------ Google sign-in
def test_google_sign_in_not_configured_is_404(client):
    assert client.get("/api/auth/google").get_json() == {"enabled": False, "client_id": None}
    resp = client.post("/api/auth/google", json={"id_token": "x"})
    assert resp.status_code == 404  # a 4xx: the client asked for something this server does not offer
    body = resp.get_json()
    assert body["error"] == "google_sign_in_not_configured"
    assert "GOOGLE_CLIENT_ID" in body["message"] and "GOOGLE_CLIENT_SECRET" in body["message"]


CLIENT_ID = "1234-test.apps.googleusercontent.com"


class FakeJWKS:
    """Stands in for Google's certificate endpoint (no network here); verification itself is real."""

    def __init__(self, public_key):
        self.public_key = public_key

    def get_signing_key_from_jwt(self, token):
        jwt.get_unverified_header(token)  # malformed tokens fail like with the real client
        return type("Key", (), {"key": self.public_key})()


@pytest.fixture
def google_app(migrated):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    app = create_app(make_settings(google_client_id=CLIENT_ID, google_client_secret="shh"))
    app.extensions["google_jwks"] = FakeJWKS(key.public_key())
    return app, key


def google_token(key, **overrides):
    now = int(time.time())
    claims = {"iss": "https://accounts.google.com", "aud": CLIENT_ID, "sub": "google-sub-1", "iat": now,
              "exp": now + 600, "email": "gina@example.com", "email_verified": True, "name": "Gina"}
    claims.update(overrides)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})


def test_google_sign_in_creates_then_reuses_the_user(google_app, raw_engine):
    app, key = google_app
    client = app.test_client()
    assert client.get("/api/auth/google").get_json() == {"enabled": True, "client_id": CLIENT_ID}
    first = client.post("/api/auth/google", json={"id_token": google_token(key)})
    assert first.status_code == 200, first.get_json()
    second = client.post("/api/auth/google", json={"id_token": google_token(key)})
    assert second.status_code == 200
    assert first.get_json()["user"]["id"] == second.get_json()["user"]["id"]
    assert first.get_json()["user"]["google_linked"] is True
    assert count_rows(raw_engine, "users") == 1
    token = second.get_json()["access_token"]
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_google_sign_in_links_existing_password_account(google_app, raw_engine):
    app, key = google_app
    client = app.test_client()
    user = register(client, "gina@example.com")
    resp = client.post("/api/auth/google", json={"id_token": google_token(key)})
    assert resp.status_code == 200 and resp.get_json()["user"]["id"] == user["_user"]["id"]
    assert count_rows(raw_engine, "users") == 1


@pytest.mark.parametrize("overrides", [
    {"aud": "someone-else.apps.googleusercontent.com"},
    {"iss": "https://evil.example.com"},
    {"exp": int(time.time()) - 10, "iat": int(time.time()) - 700},
    {"email_verified": False},
])
def test_google_sign_in_rejects_bad_tokens(google_app, raw_engine, overrides):
    app, key = google_app
    resp = app.test_client().post("/api/auth/google", json={"id_token": google_token(key, **overrides)})
    assert resp.status_code == 401 and resp.get_json()["error"] == "invalid_google_token"
    assert count_rows(raw_engine, "users") == 0


def test_google_sign_in_rejects_token_signed_by_another_key(google_app):
    app, _ = google_app
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    resp = app.test_client().post("/api/auth/google", json={"id_token": google_token(other)})
    assert resp.status_code == 401


def test_google_sign_in_validates_input(google_app):
    app, _ = google_app
    resp = app.test_client().post("/api/auth/google", json={})
    assert resp.status_code == 400 and resp.get_json()["field"] == "id_token"
    resp = app.test_client().post("/api/auth/google", json={"id_token": "not-a-jwt"})
    assert resp.status_code == 401


def test_google_keys_unreachable_is_503(migrated):
    import socket

    with socket.socket() as s:  # a port nobody listens on: the key fetch fails at once
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(make_settings(google_client_id=CLIENT_ID, google_client_secret="shh",
                                   google_certs_url=f"http://127.0.0.1:{port}/certs"))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    resp = app.test_client().post("/api/auth/google", json={"id_token": google_token(key)})
    assert resp.status_code == 503 and resp.get_json()["error"] == "google_unavailable"
