"""Input validation glue. The rules themselves are the pydantic schemas in ``schemas.py`` (flask-openapi3
validates each request with them); this module turns a pydantic error into the API's 400
``{error: validation_error, message, field}``, bounds the JSON nesting depth, and checks password strength.
"""
from __future__ import annotations

import re
from typing import Any

import pydantic
from zxcvbn import zxcvbn

MAX_JSON_DEPTH = 32
MIN_PASSWORD_SCORE = 2  # zxcvbn: 0-1 are guessable in < 10^6 tries (common passwords, names, dates, ...)
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")


class ValidationError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def field_name(loc: tuple) -> str:
    """('transactions', 2, 'amount') -> 'transactions[2].amount'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


NOT_AN_OBJECT = "expected a JSON object (Content-Type: application/json)"
# pydantic's own error types -> the API's wording; the schemas' custom errors carry their message already
_MESSAGES = {
    "missing": "is required",
    "model_type": "expected a JSON object",
    "model_attributes_type": "expected a JSON object",
    "dict_type": "expected a JSON object",
    "list_type": "must be a list",
    "json_invalid": NOT_AN_OBJECT,
}


def from_pydantic(exc: pydantic.ValidationError, model: type[pydantic.BaseModel] | None = None,
                  where: str = "") -> ValidationError:
    """The first error of a pydantic validation, as the API's ValidationError.

    ``where`` is "body", "query" or "path": a whole-body error (not a JSON object) is named "body"; a
    parameter error is named after the parameter alone.
    """
    err = exc.errors(include_url=False)[0]
    loc = tuple(err["loc"])
    kind = err["type"]
    field = field_name(loc) if loc else (where or "body")
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, loc[:-1])
        message = "unknown field; allowed: " + ", ".join(allowed) if allowed else "unknown field"
    elif kind in ("too_short", "too_long") and loc and loc[-1] == "transactions":
        message = "must be a list of 1 to 1000 transactions"
    elif not loc:  # the body itself: missing, not JSON, or not an object
        message = NOT_AN_OBJECT
    elif kind in _MESSAGES:
        message = _MESSAGES[kind]
    else:
        message = err["msg"]
        message = message[0].lower() + message[1:] if message else "is invalid"
    return ValidationError(field, message)


def _allowed_fields(model, path: tuple) -> list[str]:
    try:
        for part in path:
            if isinstance(part, int):
                continue
            annotation = model.model_fields[part].annotation
            args = getattr(annotation, "__args__", None)
            model = args[0] if args else annotation
        return sorted(model.model_fields)
    except (AttributeError, KeyError, TypeError, IndexError):
        return []


# ------------------------------------------------------------------ JSON depth
def json_depth(text: str) -> int:
    """How deeply arrays/objects nest in a JSON text (strings skipped). Linear; no recursion."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def check_json_depth(text: str) -> None:
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and json_depth(text) > MAX_JSON_DEPTH:
        raise ValidationError("body", f"JSON nests deeper than {MAX_JSON_DEPTH} levels")


# ------------------------------------------------------------------ passwords
def check_password_strength(password: str, email: str, name: str | None = None, field: str = "password") -> None:
    """Refuses the email itself and guessable passwords (zxcvbn's lists of common passwords, words,
    names, keyboard patterns, repeats, dates), saying why."""
    local = email.split("@", 1)[0]
    folded = password.casefold()
    if folded == email.casefold() or (len(local) >= 4 and local.casefold() in folded and len(folded) - len(local) < 6):
        raise ValidationError(field, "must not be your email address or contain its name part")
    inputs: list[Any] = [email, local] + ([name] if name else [])
    result = zxcvbn(password[:64], user_inputs=inputs)
    if result["score"] < MIN_PASSWORD_SCORE:
        feedback = result.get("feedback") or {}
        why = feedback.get("warning") or "it is too easy to guess"
        hint = " ".join(feedback.get("suggestions") or [])
        raise ValidationError(field, f"is too weak: {why.rstrip('.')}." + (f" {hint}" if hint else "")
                              + " Use a longer passphrase of unrelated words.")
