"""Request and response schemas (pydantic v2). flask-openapi3 validates every request with them and
builds the OpenAPI document (/api/openapi.json) from the same classes.

The field types below are strict on purpose: strings never carry NUL or lone surrogates, numbers and
dates are ASCII digits only (no "١٢", no "1_000", no trailing newline), ids are range-checked against
their columns before the database sees them, and months and dates come back in the form they went in.
Every failure raises a ``PydanticCustomError`` whose message is the text after the field's name in the
API's error body (``validation.py`` turns the first error into ``{error, message, field}``).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Optional

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, RootModel,
                      WithJsonSchema)
from pydantic_core import PydanticCustomError

MAX_INT4 = 2**31 - 1  # categories.id, budgets.id, users.id (INTEGER)
MAX_INT8 = 2**63 - 1  # transactions.id (BIGINT)
MAX_AMOUNT = Decimal("9999999999.99")  # NUMERIC(12, 2)
MAX_OFFSET = 10**9
# YYYY-MM, year 0001 to 9999 (a lookahead-free pattern: test data generators understand it)
MONTH_PATTERN = r"^([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-(0[1-9]|1[0-2])$"

_SURROGATE_OR_NUL = re.compile("[\x00\ud800-\udfff]")
_ASCII_INT = re.compile(r"[0-9]{1,19}")
_AMOUNT_STR = re.compile(r"-?[0-9]{1,20}(?:\.[0-9]{1,20})?")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.][^@\s]*\.[^@\s]+")


def fail(code: str, message: str):
    raise PydanticCustomError(code, message)


# ------------------------------------------------------------------ strings
def clean_text(value: Any) -> str:
    """Any string the API accepts: no NUL (PostgreSQL text cannot hold it), no lone surrogate
    (not encodable as UTF-8). Checked before anything else looks at the value."""
    if not isinstance(value, str):
        fail("string_type", "must be a string")
    bad = _SURROGATE_OR_NUL.search(value)
    if bad:
        what = "a NUL character" if bad.group() == "\x00" else "a lone surrogate (invalid Unicode)"
        fail("invalid_characters", f"must not contain {what}")
    return value


def _text(min_len: int, max_len: int, strip: bool = True):
    def check(value: Any) -> str:
        value = clean_text(value)
        if len(value) > max_len:  # as given (the document's maxLength), before any stripping
            fail("too_long", f"must be at most {max_len} characters")
        if strip:
            value = value.strip()
        if len(value) < min_len:
            fail("too_short", "must not be empty" if min_len == 1 else f"must be at least {min_len} characters")
        return value
    return check


def Text(min_len: int = 1, max_len: int = 255, strip: bool = True, pattern: str | None = None):  # noqa: N802
    schema: dict = {"type": "string", "maxLength": max_len}
    if min_len:
        schema["minLength"] = min_len
    if pattern:
        schema["pattern"] = pattern
    return Annotated[str, BeforeValidator(_text(min_len, max_len, strip)), WithJsonSchema(schema)]


def _email(value: Any) -> str:
    value = _text(1, 254)(value).lower()  # lower() can lengthen a string ("İ" -> "i̇"): measure after it
    if len(value) > 254:
        fail("too_long", "must be at most 254 characters")
    if not _EMAIL.fullmatch(value):
        fail("email", "must be a valid email address")
    return value


Email = Annotated[str, BeforeValidator(_email),
                  WithJsonSchema({"type": "string", "format": "email", "maxLength": 254})]
Name = Text(1, 64)
Note = Text(0, 500)
# Passwords are never stripped; their strength is checked by the view (it needs the email).
Password = Annotated[str, BeforeValidator(_text(8, 128, strip=False)),
                     WithJsonSchema({"type": "string", "minLength": 8, "maxLength": 128})]
LoginPassword = Annotated[str, BeforeValidator(_text(1, 1024, strip=False)),
                          WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 1024})]


# ------------------------------------------------------------------ numbers
def _id(maximum: int, from_text: bool):
    def check(value: Any) -> int:
        if from_text:  # path and query parameters arrive as text
            if not isinstance(value, str) or not _ASCII_INT.fullmatch(value):
                fail("id", "must be a positive integer id")
            value = int(value)
        elif isinstance(value, bool) or not isinstance(value, int):
            fail("id", "must be a positive integer id")
        if not 1 <= value <= maximum:
            fail("id", f"must be a positive integer id (at most {maximum})")
        return value
    return check


def _id_type(maximum: int, from_text: bool):
    return Annotated[int, BeforeValidator(_id(maximum, from_text)),
                     WithJsonSchema({"type": "integer", "minimum": 1, "maximum": maximum})]


Id4 = _id_type(MAX_INT4, from_text=False)           # category_id in a JSON body
PathId4 = _id_type(MAX_INT4, from_text=True)        # /categories/<id>, /budgets/<id>
PathId8 = _id_type(MAX_INT8, from_text=True)        # /transactions/<id>
QueryId4 = _id_type(MAX_INT4, from_text=True)       # ?category_id=


def query_int(minimum: int, maximum: int):
    def check(value: Any) -> int:
        if not isinstance(value, str) or not _ASCII_INT.fullmatch(value) or not minimum <= int(value) <= maximum:
            fail("integer", f"must be an integer between {minimum} and {maximum}")
        return int(value)
    return Annotated[int, BeforeValidator(check),
                     WithJsonSchema({"type": "integer", "minimum": minimum, "maximum": maximum})]


def parse_amount(value: Any) -> Decimal:
    """A positive money amount with at most 2 decimals: a JSON number or a plain decimal string."""
    if value is None:
        fail("null", "must not be null")
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
        fail("amount_type", 'must be a number or a numeric string, e.g. "12.50"')
    if isinstance(value, str):
        clean_text(value)
        if not _AMOUNT_STR.fullmatch(value):
            fail("amount", 'must be a decimal number of ASCII digits, e.g. "12.50"')
    try:
        dec = Decimal(value)
    except (InvalidOperation, ValueError):
        fail("amount", 'must be a number, e.g. "12.50"')
    if not dec.is_finite():
        fail("amount", "must be a finite number")
    if dec <= 0:
        fail("amount", "must be greater than 0")
    if dec > MAX_AMOUNT:
        fail("amount", f"must be at most {MAX_AMOUNT}")
    if dec != dec.quantize(Decimal("0.01")):
        fail("amount", "must have at most 2 decimal places")
    return dec.quantize(Decimal("0.01"))


Amount = Annotated[Decimal, BeforeValidator(parse_amount), WithJsonSchema({"anyOf": [
    {"type": "number", "exclusiveMinimum": 0, "maximum": float(MAX_AMOUNT), "multipleOf": 0.01},
    {"type": "string", "pattern": r"^[0-9]{1,10}(\.[0-9]{1,2})?$"},
], "description": 'positive, at most 2 decimals, e.g. "12.50"'})]
AMOUNT_OUT = {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$"}


# ------------------------------------------------------------------ dates and months
class Month(dt.date):
    """The first day of a month that was given as 'YYYY-MM'; prints as 'YYYY-MM' (4-digit year)."""

    def __str__(self) -> str:
        return format_month(self)


def format_month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_date(value: Any) -> dt.date:
    if value is None:
        fail("null", "must not be null")
    m = _DATE.fullmatch(clean_text(value))
    if not m:
        fail("date", "must be a date in YYYY-MM-DD format")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        fail("date", "is not a valid calendar date")


def parse_month(value: Any) -> dt.date:
    """'YYYY-MM' (ASCII digits, nothing around it) -> the first day of that month."""
    m = _MONTH.fullmatch(clean_text(value)) if isinstance(value, str) else None
    if not m or not 1 <= int(m[2]) <= 12 or int(m[1]) < 1:
        fail("month", "must be a month in YYYY-MM format")
    return dt.date(int(m[1]), int(m[2]), 1)


def month_end(first: dt.date) -> dt.date:
    """The last day of the month that starts at ``first`` (valid up to 9999-12)."""
    if first.month == 12:
        return dt.date(first.year, 12, 31)
    return dt.date(first.year, first.month + 1, 1) - dt.timedelta(days=1)


Date = Annotated[dt.date, BeforeValidator(parse_date), WithJsonSchema({"type": "string", "format": "date"})]
MonthParam = Annotated[dt.date, BeforeValidator(parse_month),
                       WithJsonSchema({"type": "string", "pattern": MONTH_PATTERN})]


# ------------------------------------------------------------------ request models
class Strict(BaseModel):
    """Unknown fields are refused by name."""
    model_config = ConfigDict(extra="forbid")


def example(**values) -> ConfigDict:
    """A valid request body, shown in the document (and sent by schemathesis' examples phase)."""
    return ConfigDict(extra="forbid", json_schema_extra={"example": values})


class RegisterIn(Strict):
    model_config = example(email="ann@example.com", password="plum tractor vanilla", name="Ann")
    email: Email
    password: Password
    name: Optional[Text(1, 100)] = None


class LoginIn(Strict):
    model_config = example(email="ann@example.com", password="plum tractor vanilla")
    email: Email
    password: LoginPassword


class GoogleIn(Strict):
    id_token: Text(1, 8192)


class CategoryIn(Strict):
    model_config = example(name="Groceries")
    name: Name


class TransactionIn(Strict):
    model_config = example(amount="12.50", date="2024-05-03", note="lunch")
    amount: Amount
    date: Date
    category_id: Optional[Id4] = None
    note: Optional[Note] = None


class TransactionPatch(Strict):
    """Partial update: only the fields present change; amount and date cannot be null."""
    amount: Amount = None  # type: ignore[assignment]
    date: Date = None  # type: ignore[assignment]
    category_id: Optional[Id4] = None
    note: Optional[Note] = None


class BulkIn(Strict):
    transactions: list[TransactionIn] = Field(min_length=1, max_length=1000)


class BudgetIn(Strict):
    model_config = example(category_id=1, month="2024-05", amount="300.00")
    category_id: Id4
    month: MonthParam
    amount: Amount


class BudgetPatch(Strict):
    category_id: Id4 = None  # type: ignore[assignment]
    month: MonthParam = None  # type: ignore[assignment]
    amount: Amount = None  # type: ignore[assignment]


class CategoryPath(BaseModel):
    category_id: PathId4


class TransactionPath(BaseModel):
    tx_id: PathId8


class BudgetPath(BaseModel):
    budget_id: PathId4


class QueryModel(BaseModel):
    """Query parameters. flask-openapi3 asks for the model's JSON schema on every request it validates;
    the schema of a class never changes, so it is computed once (about 1 ms per list request saved)."""

    @classmethod
    @functools.cache
    def model_json_schema(cls, *args, **kwargs):  # noqa: D102 - pydantic's, cached
        return super().model_json_schema(*args, **kwargs)


# Optional parameters default to None without being nullable (a query string cannot carry a null).
class TransactionQuery(QueryModel):
    month: MonthParam = None  # type: ignore[assignment]
    category_id: QueryId4 = None  # type: ignore[assignment]
    limit: query_int(1, 500) = 50
    offset: query_int(0, MAX_OFFSET) = 0


class MonthQuery(QueryModel):
    month: MonthParam = None  # type: ignore[assignment]


# ------------------------------------------------------------------ response models (documentation)
class ErrorOut(BaseModel):
    error: str
    message: str
    field: Optional[str] = Field(default=None, json_schema_extra=lambda s: s.pop("default", None))


class UserOut(BaseModel):
    id: int
    email: str
    name: Optional[str]
    has_password: bool
    google_linked: bool
    created_at: Optional[str]


class TokenOut(BaseModel):
    access_token: str
    token_type: str
    expires_in: int
    user: UserOut


class GoogleConfigOut(BaseModel):
    enabled: bool
    client_id: Optional[str]


class CategoryOut(BaseModel):
    id: Annotated[int, Field(ge=1, le=MAX_INT4)]
    name: str


class CategoryList(RootModel[list[CategoryOut]]):
    pass


AmountOut = Annotated[str, WithJsonSchema(AMOUNT_OUT)]


class TransactionOut(BaseModel):
    id: Annotated[int, Field(ge=1, le=MAX_INT8)]
    amount: AmountOut
    date: Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
    category_id: Optional[int]
    note: Optional[str]


class TransactionList(RootModel[list[TransactionOut]]):
    pass


class BudgetOut(BaseModel):
    id: Annotated[int, Field(ge=1, le=MAX_INT4)]
    category_id: int
    month: Annotated[str, WithJsonSchema({"type": "string", "pattern": MONTH_PATTERN})]
    amount: AmountOut


class BudgetList(RootModel[list[BudgetOut]]):
    pass


class SummaryItem(BaseModel):
    category_id: int
    category: str
    spent: AmountOut
    transactions: int
    budget: Optional[AmountOut]
    remaining: Optional[AmountOut]
    percent_used: Optional[float]
    over_budget: bool


class SummaryUncategorized(BaseModel):
    spent: AmountOut
    transactions: int


class SummaryOut(BaseModel):
    month: str
    categories: list[SummaryItem]
    uncategorized: SummaryUncategorized
    total_spent: AmountOut
    total_budget: AmountOut
    over_budget_categories: list[str]


class DatabaseHealth(BaseModel):
    status: str
    latency_ms: float
    error: Optional[str] = Field(default=None, json_schema_extra=lambda s: s.pop("default", None))


class HealthOut(BaseModel):
    status: str
    database: DatabaseHealth
    version: str


class IndexOut(BaseModel):
    name: str
    version: str
    google_sign_in: bool
    endpoints: list[str]
