"""Values people put in addresses (query strings, path parts, `next=`), checked in one place.

Pages and the API answer a value that is not one with a 400 and a message in Chinese (English on the
English pages), never a server error: `BadParameter` is a ValidationError carrying the parameter's name,
so the API's exception handler and the pages' 400 handler both show the same text.
"""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation, ValidationError
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from branches.periods import MAX_YEAR, MIN_YEAR, Quarter

# Primary keys are 64-bit on every database we run on; anything larger cannot name a record.
MAX_ID = 2**63 - 1
MAX_ID_DIGITS = 19


class BadParameter(SuspiciousOperation):
    """A value in the address that is not one; Django answers it with 400 (config.views.bad_request)."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message

    def as_validation_error(self) -> ValidationError:
        return ValidationError({self.name: [self.message]})


def _shown(raw) -> str:
    text = str(raw)
    return text if len(text) <= 40 else text[:40] + "…"


def parse_int(name: str, raw, *, minimum: int, maximum: int) -> int:
    text = str(raw).strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isascii() or not digits.isdigit() or len(digits) > MAX_ID_DIGITS:
        raise BadParameter(name, _("“%(name)s”应为整数，收到“%(value)s”。") % {"name": name, "value": _shown(raw)})
    value = int(text)
    if not minimum <= value <= maximum:
        raise BadParameter(name, _("“%(name)s”应在 %(min)s 到 %(max)s 之间，收到 %(value)s。") % {
            "name": name, "min": minimum, "max": maximum, "value": _shown(raw)})
    return value


def parse_year(raw, name: str = "year") -> int:
    return parse_int(name, raw, minimum=MIN_YEAR, maximum=MAX_YEAR)


def parse_id(raw, name: str = "id") -> int:
    return parse_int(name, raw, minimum=1, maximum=MAX_ID)


def parse_quarter(raw, name: str = "quarter") -> Quarter:
    try:
        return Quarter.parse(raw)
    except ValidationError as exc:
        raise BadParameter(name, " ".join(exc.messages))


def optional_year(request, name: str = "year", *, default: int | None = None) -> int | None:
    """`?year=` from the query string: absent or empty gives `default`, anything else must be a year."""
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    return parse_year(raw, name)


def safe_next(request, fallback: str) -> str:
    """Where to go after a form: `next` when it stays on this site, else `fallback`."""
    return safe_url(request, request.POST.get("next") or request.GET.get("next") or "", fallback)


def safe_url(request, target: str, fallback: str) -> str:
    """`target` when it is a path or an address on this site, else `fallback` (never another site)."""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


class IdPathConverter:
    """`<id:pk>`: a record id in the path; digits longer than any id answer 400, not an overflow."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        return parse_id(value)

    def to_url(self, value) -> str:
        return str(int(value))


class YearPathConverter(IdPathConverter):
    """`<year:year>`: a year in the path, 2000-2100 (`/org/year/99999/` answers 400)."""

    def to_python(self, value: str) -> int:
        return parse_year(value)
