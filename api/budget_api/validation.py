"""Input validation. Every failure names the offending field and becomes a 400."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from flask import request

MAX_AMOUNT = Decimal("9999999999.99")  # NUMERIC(12, 2)
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MISSING = object()


class ValidationError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def json_body(required: Iterable[str] = (), optional: Iterable[str] = ()) -> dict:
    """The request's JSON object; unknown and missing fields are rejected by name."""
    data = request.get_json(silent=True)
    if data is None:
        raise ValidationError("body", "expected a JSON object (Content-Type: application/json)")
    return check_object(data, required, optional, "body")


def check_object(data: Any, required: Iterable[str], optional: Iterable[str], where: str,
                 prefix: str = "") -> dict:
    if not isinstance(data, dict):
        raise ValidationError(where, "expected a JSON object")
    required, optional = list(required), list(optional)
    allowed = set(required) | set(optional)
    for key in data:
        if key not in allowed:
            raise ValidationError(prefix + str(key), "unknown field; allowed: " + ", ".join(sorted(allowed)))
    for key in required:
        if key not in data or data[key] is None:
            raise ValidationError(prefix + key, "is required")
    return data


def string(value: Any, field: str, min_len: int = 1, max_len: int = 255, allow_none: bool = False) -> str | None:
    if value is None and allow_none:
        return None
    if not isinstance(value, str):
        raise ValidationError(field, "must be a string")
    value = value.strip()
    if len(value) < min_len:
        raise ValidationError(field, "must not be empty" if min_len == 1 else f"must be at least {min_len} characters")
    if len(value) > max_len:
        raise ValidationError(field, f"must be at most {max_len} characters")
    return value


def email(value: Any, field: str = "email") -> str:
    value = string(value, field, max_len=254)
    if not EMAIL_RE.match(value):
        raise ValidationError(field, "must be a valid email address")
    return value.lower()


def password(value: Any, field: str = "password") -> str:
    if not isinstance(value, str):
        raise ValidationError(field, "must be a string")
    if len(value) < 8:
        raise ValidationError(field, "must be at least 8 characters")
    if len(value) > 128:
        raise ValidationError(field, "must be at most 128 characters")
    return value


def amount(value: Any, field: str = "amount") -> Decimal:
    """A positive money amount with at most 2 decimals, given as a JSON number or a string."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str, float)):
        raise ValidationError(field, "must be a number or a numeric string, e.g. \"12.50\"")
    try:
        dec = Decimal(value.strip()) if isinstance(value, str) else Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(field, "must be a number, e.g. \"12.50\"") from None
    if not dec.is_finite():
        raise ValidationError(field, "must be a finite number")
    if dec <= 0:
        raise ValidationError(field, "must be greater than 0")
    if dec > MAX_AMOUNT:
        raise ValidationError(field, f"must be at most {MAX_AMOUNT}")
    if dec != dec.quantize(Decimal("0.01")):
        raise ValidationError(field, "must have at most 2 decimal places")
    return dec.quantize(Decimal("0.01"))


def date(value: Any, field: str = "date") -> dt.date:
    if not isinstance(value, str) or not DATE_RE.match(value):
        raise ValidationError(field, "must be a date in YYYY-MM-DD format")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(field, "is not a valid calendar date") from None


def month(value: Any, field: str = "month") -> dt.date:
    """'YYYY-MM' -> the first day of that month."""
    m = MONTH_RE.match(value) if isinstance(value, str) else None
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1:
        raise ValidationError(field, "must be a month in YYYY-MM format")
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def ident(value: Any, field: str, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise ValidationError(field, "must be a positive integer id")
    return value


def query_int(name: str, default: int, minimum: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not minimum <= int(raw) <= maximum:
        raise ValidationError(name, f"must be an integer between {minimum} and {maximum}")
    return int(raw)


def query_id(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 2**31:
        raise ValidationError(name, "must be a positive integer id")
    return int(raw)
