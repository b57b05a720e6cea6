"""The API's field rules, checked before anything is sent.

Each check takes the text of a CSV cell or a flag and returns the value to
put in the request, or raises Invalid with the reason in the words the
service uses (common/api/validation.cc and the services' *_fields.cc), so a
rejected row reads like the service's own INVALID_ARGUMENT. The service
checks everything again: these exist so that a 100,000-row file is judged
in full before the first row is sent, not one refused batch at a time.
"""

import os
import re

from kamctl.output import enum_prefix


class Invalid(ValueError):
    """A value that breaks a rule; str() is the reason."""


# One regular expression per question, so a 100,000-row file is checked at C
# speed rather than a character at a time in Python.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_SPACE_CHARS = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SPACE = re.compile(f"[{_SPACE_CHARS}]")
_ALL_SPACE = re.compile(f"[{_SPACE_CHARS}]*")
# Bytes that were not UTF-8 arrive as lone surrogates (surrogateescape).
_SURROGATE = re.compile("[\ud800-\udfff]")


def _is_control(c):
    return _CONTROL.match(c) is not None


def _is_space(c):
    return _SPACE.match(c) is not None


def _check_utf8(value):
    if _SURROGATE.search(value):
        raise Invalid("must be valid UTF-8")


def _first_control(value, allowed=""):
    """(index, character) of the first control character not in `allowed`."""
    for found in _CONTROL.finditer(value):
        if found.group() not in allowed:
            return found.start(), found.group()
    return None


def text(max_chars, required=False, multiline=False):
    """Free text of at most `max_chars` characters, no control characters
    (tab and newline allowed in multi-line text); `required`: not empty and
    not only white space."""
    def check(value):
        if required and not value:
            raise Invalid("is required")
        _check_utf8(value)
        if len(value) > max_chars:
            raise Invalid(f"must be at most {max_chars} characters (got {len(value)})")
        found = _first_control(value, "\t\n" if multiline else "")
        if found:
            other = " other than tab and newline" if multiline else ""
            raise Invalid(f"must not contain control characters{other} "
                          f"(found U+{ord(found[1]):04X} at character {found[0]})")
        if required and _ALL_SPACE.fullmatch(value):
            raise Invalid("must not be only white space")
        return value
    return check


def identifier(max_chars, required=False):
    """An id (user id, external id): no white space, no control characters."""
    def check(value):
        if not value:
            if required:
                raise Invalid("is required")
            return value
        _check_utf8(value)
        if len(value) > max_chars:
            raise Invalid(f"must be at most {max_chars} characters (got {len(value)})")
        if _SPACE.search(value):
            raise Invalid("must not contain white space")
        found = _first_control(value)
        if found:
            raise Invalid(f"must not contain control characters "
                          f"(found U+{ord(found[1]):04X} at character {found[0]})")
        return value
    return check


def integer(lo, hi):
    """A whole number from lo to hi; empty is 0 (proto3's default)."""
    def check(value):
        if value.strip() == "":
            number = 0
        else:
            try:
                number = int(value.strip(), 10)
            except ValueError:
                raise Invalid(f"must be a whole number (got {value!r})") from None
        if number < lo or number > hi:
            raise Invalid(f"must be between {lo} and {hi} (got {number})")
        return number
    return check


def boolean(value):
    """true/false (also yes/no, 1/0); empty is false."""
    lowered = value.strip().lower()
    if lowered in ("", "false", "no", "0"):
        return False
    if lowered in ("true", "yes", "1"):
        return True
    raise Invalid(f"must be true or false (got {value!r})")


def enum(descriptor, refuse=()):
    """An enum value by its short name ("STABLE") or full name
    ("RELATIONSHIP_STAGE_STABLE"), any case; empty is the zero value.
    `refuse`: short names valid in the API but not here, with the reason."""
    prefix = enum_prefix(descriptor)
    names = [v.name[len(prefix):] for v in descriptor.values if v.number != 0]

    def check(value):
        wanted = value.strip().upper()
        if wanted == "":
            return 0
        short = wanted[len(prefix):] if wanted.startswith(prefix) else wanted
        if short in names:
            if short in dict(refuse):
                raise Invalid(dict(refuse)[short])
            return descriptor.values_by_name[prefix + short].number
        allowed = ", ".join(n for n in names if n not in dict(refuse))
        raise Invalid(f"must be one of {allowed} (got {value!r})")
    return check


_ID = re.compile(r"[1-9][0-9]{0,18}")


def resource_name(*collections, required=False):
    """A resource name such as "accounts/{account}": the collection words
    and canonical positive ids (no sign, no leading zero)."""
    pattern = "/".join(f"{c}/{{{c[:-1]}}}" for c in collections)

    def check(value):
        if not value:
            if required:
                raise Invalid("is required")
            return value
        parts = value.split("/")
        ok = len(parts) == 2 * len(collections) and all(
            parts[2 * i] == c and _ID.fullmatch(parts[2 * i + 1])
            and int(parts[2 * i + 1]) < 2 ** 63 for i, c in enumerate(collections))
        if not ok:
            raise Invalid(f"must look like {pattern} (got {value!r})")
        return value
    return check


_LABEL = re.compile(r"[a-z0-9_-]*")


def labels(value):
    """"key=value;key=value": at most 64; keys start with a-z and use
    [a-z0-9_-], values use [a-z0-9_-], both at most 63 characters."""
    result = {}
    if not value.strip():
        return result
    for entry in value.split(";"):
        if not entry.strip():
            continue
        key, sep, val = entry.strip().partition("=")
        if not sep:
            raise Invalid(f"must be key=value pairs joined by ';' (got {entry!r})")
        if not key:
            raise Invalid(f"has an empty key in {entry.strip()!r}")
        where = f"key {key!r}"
        if len(key) > 63:
            raise Invalid(f"{where} must be at most 63 characters (got {len(key)})")
        if not "a" <= key[0] <= "z":
            raise Invalid(f"{where} must start with a lower-case letter (a-z)")
        if not _LABEL.fullmatch(key):
            raise Invalid(f"{where} must contain only lower-case letters, digits, '_' and '-'")
        if len(val) > 63:
            raise Invalid(f"{where}: value must be at most 63 characters (got {len(val)})")
        if not _LABEL.fullmatch(val):
            raise Invalid(f"{where}: value must contain only lower-case letters, digits, "
                          "'_' and '-'")
        if key in result:
            raise Invalid(f"{where} appears twice")
        result[key] = val
    if len(result) > 64:
        raise Invalid(f"must have at most 64 entries (got {len(result)})")
    return result


def currency(value):
    if value and not re.fullmatch(r"[A-Z]{3}", value):
        raise Invalid("must be an ISO 4217 currency code of three upper-case letters "
                      "like USD or CNY")
    return value


def phone(value):
    """E.164: '+', a country code starting 1-9, 8 to 15 digits in all."""
    if value and not re.fullmatch(r"\+[1-9][0-9]{7,14}", value):
        raise Invalid("must be in E.164 form like +8613800138000")
    return value


_EMAIL_LOCAL_SYMBOLS = set("!#$%&'*+/=?^_`{|}~-.")


def _email_chars(part, ascii_ok):
    for c in part:
        if ord(c) < 0x80:
            if not ascii_ok(c):
                return False
        elif _is_control(c) or _is_space(c):
            return False
    return True


def email(value):
    """name@domain: a dot-atom local part of at most 64 characters, a domain
    of two or more labels whose last is not all digits; at most 254 bytes."""
    if not value:
        return value
    _check_utf8(value)
    if len(value.encode("utf-8")) > 254:
        raise Invalid(f"must be at most 254 bytes (got {len(value.encode('utf-8'))})")
    invalid = Invalid("must be an email address like name@example.com")
    if value.count("@") != 1:
        raise invalid
    local, domain = value.split("@")
    if (not local or len(local) > 64 or local[0] == "." or local[-1] == "." or ".." in local
            or not _email_chars(local, lambda c: c.isascii() and (c.isalnum()
                                                                 or c in _EMAIL_LOCAL_SYMBOLS))):
        raise invalid
    parts = domain.split(".")
    if len(parts) < 2 or len(parts[-1]) < 2 or parts[-1].isdigit():
        raise invalid
    for part in parts:
        if (not part or part[0] == "-" or part[-1] == "-"
                or not _email_chars(part, lambda c: c.isascii() and (c.isalnum() or c == "-"))):
            raise invalid
    return value


_ZONEINFO = "/usr/share/zoneinfo"


def time_zone(value):
    """An IANA time zone name the system's tz database holds (the service
    reads the same database)."""
    if not value:
        return value
    invalid = Invalid("must be an IANA time zone name like Asia/Shanghai or UTC")
    if (len(value) > 64 or value.startswith("/") or ".." in value or value == "localtime"
            or not re.fullmatch(r"[A-Za-z0-9/_+-]+", value)):
        raise invalid
    if os.path.isdir(_ZONEINFO) and not os.path.isfile(os.path.join(_ZONEINFO, value)):
        raise invalid
    return value


def cell(value):
    """A CSV cell or flag as checked and sent: without surrounding white
    space (what a spreadsheet pads a cell with is never meant)."""
    return value.strip()
