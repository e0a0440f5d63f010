"""Passwords, JWT access tokens, Google ID-token verification and the auth endpoints."""
from __future__ import annotations

import time

import jwt
from flask import current_app, g, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from . import db, validation as v
from .errors import ApiError
from .models import User
from .openapi import BEARER, ERROR_RESPONSES, errors
from .schemas import MAX_INT4, GoogleConfigOut, GoogleIn, LoginIn, RegisterIn, TokenOut, UserOut

bp = APIBlueprint("auth", __name__, url_prefix="/api/auth", abp_tags=[Tag(name="auth")],
                  abp_responses=ERROR_RESPONSES)

GOOGLE_ISSUERS = ("accounts.google.com", "https://accounts.google.com")
# A hash to compare against when the email is unknown, so both cases cost the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def settings():
    return current_app.config["SETTINGS"]


def issue_token(user: User) -> dict:
    now = int(time.time())
    ttl = settings().access_token_ttl
    token = jwt.encode({"sub": str(user.id), "iat": now, "exp": now + ttl, "type": "access"},
                       settings().secret_key, algorithm="HS256")
    return {"access_token": token, "token_type": "Bearer", "expires_in": ttl, "user": user.to_dict()}


def login_required(view):
    """Marks a view as needing a Bearer token. ``authenticate`` (a before_request hook, see app.py) checks
    the token before flask-openapi3 validates the request's parameters, so a request without a valid
    token is a 401 whatever its body says. (flask-openapi3 copies the mark onto the view it builds.)"""
    view.login_required = True
    return view


def authenticate() -> None:
    """Resolve the Bearer token to ``g.user`` for views marked ``login_required``; 401 otherwise."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if not getattr(view, "login_required", False):
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "missing Bearer access token in the Authorization header")
    try:
        claims = jwt.decode(token.strip(), settings().secret_key, algorithms=["HS256"],
                            options={"require": ["sub", "exp", "iat"]})
    except jwt.ExpiredSignatureError:
        raise ApiError(401, "token_expired", "the access token has expired; log in again") from None
    except jwt.InvalidTokenError:
        raise ApiError(401, "invalid_token", "the access token is invalid") from None
    sub = claims["sub"]
    if (claims.get("type") != "access" or not isinstance(sub, str) or not sub.isascii() or not sub.isdigit()
            or not 0 < int(sub) <= MAX_INT4):
        raise ApiError(401, "invalid_token", "the access token is invalid")
    user = db.session().get(User, int(sub))
    if user is None:
        raise ApiError(401, "invalid_token", "the token's user no longer exists")
    g.user = user


@bp.post("/register", operation_id="register", summary="Create an account and get an access token",
         responses={201: TokenOut, **errors(409, 429)})
def register(body: RegisterIn):
    v.check_password_strength(body.password, body.email, body.name)
    s = db.session()
    user = User(email=body.email, name=body.name, password_hash=generate_password_hash(body.password))
    s.add(user)
    try:
        s.commit()
    except IntegrityError:
        s.rollback()
        raise ApiError(409, "conflict", "an account with this email already exists", field="email") from None
    return jsonify(issue_token(user)), 201


@bp.post("/login", operation_id="login", summary="Exchange email and password for an access token",
         responses={200: TokenOut, **errors(401, 429)})
def login(body: LoginIn):
    user = db.session().scalar(select(User).where(User.email == body.email))
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    if not check_password_hash(stored, body.password) or user is None or not user.password_hash:
        raise ApiError(401, "invalid_credentials", "wrong email or password")
    return jsonify(issue_token(user))


@bp.get("/me", operation_id="me", summary="The current user", security=BEARER, responses={200: UserOut, **errors(401)})
@login_required
def me():
    return jsonify(g.user.to_dict())


@bp.get("/google", operation_id="googleConfig", summary="Whether Google sign-in is available",
        responses={200: GoogleConfigOut})
def google_config():
    """Tells a client whether Google sign-in is available and with which client id."""
    s = settings()
    return jsonify({"enabled": s.google_enabled, "client_id": s.google_client_id or None})


def _google_jwks() -> jwt.PyJWKClient:
    client = current_app.extensions.get("google_jwks")
    if client is None:
        client = jwt.PyJWKClient(settings().google_certs_url, cache_keys=True, lifespan=3600, timeout=5)
        current_app.extensions["google_jwks"] = client
    return client


def verify_google_id_token(token: str) -> dict:
    try:
        signing_key = _google_jwks().get_signing_key_from_jwt(token)
    except jwt.PyJWKClientConnectionError as exc:
        raise ApiError(503, "google_unavailable",
                       f"could not fetch Google's signing keys to verify the token: {exc}") from None
    except (jwt.PyJWKClientError, jwt.InvalidTokenError):
        raise ApiError(401, "invalid_google_token", "the Google ID token is malformed or its key is unknown") from None
    try:
        claims = jwt.decode(token, signing_key.key, algorithms=["RS256"], audience=settings().google_client_id,
                            issuer=GOOGLE_ISSUERS, options={"require": ["sub", "exp", "iat", "aud", "iss"]})
    except jwt.InvalidTokenError as exc:
        raise ApiError(401, "invalid_google_token", f"the Google ID token was rejected: {exc}") from None
    if not claims.get("email") or claims.get("email_verified") not in (True, "true"):
        raise ApiError(401, "invalid_google_token", "the Google account has no verified email address")
    return claims


@bp.post("/google", operation_id="googleSignIn", summary="Sign in with a Google ID token",
         responses={200: TokenOut, **errors(401, 404, 409, 429)})
def google_sign_in(body: GoogleIn):
    s = settings()
    if not s.google_enabled:
        missing = [n for n, val in (("GOOGLE_CLIENT_ID", s.google_client_id),
                                    ("GOOGLE_CLIENT_SECRET", s.google_client_secret)) if not val]
        raise ApiError(404, "google_sign_in_not_configured",
                       "Google sign-in is disabled on this server: " + " and ".join(missing)
                       + " not set (flask-secret). Use /api/auth/register and /api/auth/login instead.")
    claims = verify_google_id_token(body.id_token)
    session = db.session()
    email = claims["email"].lower()
    user = session.scalar(select(User).where(User.google_sub == claims["sub"]))
    if user is None:
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=(claims.get("name") or None), google_sub=claims["sub"])
            session.add(user)
        elif user.google_sub is None:
            user.google_sub = claims["sub"]  # link: Google verified this email address
        else:
            raise ApiError(409, "conflict", "this email is linked to another Google account", field="id_token")
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ApiError(409, "conflict", "account changed concurrently; retry", field="id_token") from None
    return jsonify(issue_token(user))
