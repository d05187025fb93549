r"""
Store identity: when two store records are one store.

A store record used for one Lazada store must never be used again, however
it is written. So stores are compared, de-duplicated, claimed and looked up
by one value, a :class:`StoreIdentity`: the platform's *account namespace*
(all eBay sites share one, as do Amazon's merchant tokens across
marketplaces) and the *canonical* store id.

The canonical id is the id NFKC-normalised, trimmed, case-folded where the
platform's ids ignore case, with look-alike letters of other scripts folded
to the Latin letters they imitate (a Unicode TR39 skeleton, from a table
generated from Unicode's ``confusables.txt``). What cannot be part of an id
is **refused** with a :class:`~lazada_eligibility.ValidationError`, never
stripped: control, format (zero-width, BOM, soft hyphen, joiners, direction
marks), private-use, unassigned and surrogate characters, spaces inside the
id, ids longer than :data:`~lazada_eligibility.MAX_STORE_ID_LENGTH` characters, and characters
outside the platform's known character set. A seller page URL given as an
id is reduced to the id it names, or refused.

Example:
    >>> from lazada_eligibility import DEFAULT_PLATFORMS
    >>> DEFAULT_PLATFORMS.identity("Amazon US", "https://www.amazon.com/sp?seller=A2X9K4PLMN7Q")
    StoreIdentity(namespace='amazon', store_id='a2x9k4plmn7q')
    >>> DEFAULT_PLATFORMS.identity("ebay.de", "BEST-SHOP") == DEFAULT_PLATFORMS.identity(
    ...     "ebay.com", "best-shop"
    ... )
    True
    >>> DEFAULT_PLATFORMS.identity("Amazon US", "A2X9\u200bK4PLMN7Q")
    Traceback (most recent call last):
    ...
    lazada_eligibility.exceptions.ValidationError: store_id: contains U+200B ZERO WIDTH SPACE ...

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from importlib import resources
from typing import Final, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import attrs

from .exceptions import ValidationError
from .limits import MAX_TEXT_LENGTH

__all__ = ["MAX_STORE_ID_LENGTH", "StoreIdentity", "canonical_store_id", "store_id_problem"]

MAX_STORE_ID_LENGTH: Final = MAX_TEXT_LENGTH
"""The longest store id, in characters, before and after normalisation (the limit on any text)."""

# Control, format, surrogate, private-use, unassigned; line and paragraph separators.
_REFUSED: Final = {
    "Cc": "a control character",
    "Cf": "an invisible format character",
    "Cs": "a surrogate",
    "Co": "a private-use character",
    "Cn": "an unassigned code point",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}
_URL_LIKE: Final = re.compile(r"[/\\]|^www\.|://")
_SPACE: Final = re.compile(r"\s")
_SELLER_URL: Final = re.compile(r"(?:query:(?P<param>[a-z_]+)|path:(?P<path>/[a-z0-9_/-]*)\{id\})")


@attrs.frozen(order=True)
class StoreIdentity:
    """
    One store, however it is written: its account namespace and canonical id.

    Two stores with equal identities are one store: an application may not
    list it twice, :func:`~lazada_eligibility.rules.combined_stores` sums it
    once, and a registry holds it once.

    Args:
        namespace: The account namespace of the store's platform, from the
            catalog (the ``namespace`` of a :class:`~lazada_eligibility.Platform`).
        store_id: The canonical store id (:func:`canonical_store_id`).

    Example:
        >>> from lazada_eligibility import DEFAULT_PLATFORMS
        >>> identity = DEFAULT_PLATFORMS.identity("eBay UK", " Best-Shop ")
        >>> identity, str(identity)
        (StoreIdentity(namespace='ebay', store_id='best-shop'), 'ebay/best-shop')

    .. versionadded:: 0.2.0
    """

    namespace: str
    store_id: str

    def __str__(self) -> str:
        return f"{self.namespace}/{self.store_id}"


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}{' ' + name if name else ''}"


def store_id_problem(text: object) -> str | None:
    r"""
    Return what is wrong with *text* as a store id on any platform, or ``None``.

    The checks every platform shares: text, at most
    :data:`~lazada_eligibility.MAX_STORE_ID_LENGTH` characters, not blank, and no control,
    format, surrogate, private-use or unassigned character anywhere.

    Example:
        >>> from lazada_eligibility.identity import store_id_problem
        >>> store_id_problem("A1B2")
        >>> store_id_problem("\u200b")
        'contains only invisible characters (U+200B ZERO WIDTH SPACE): ...'

    .. versionadded:: 0.2.0
    """
    if not isinstance(text, str):
        return f"expected text, got {text!r}"
    if len(text) > MAX_STORE_ID_LENGTH:
        return f"is {len(text)} characters long; a store id has at most {MAX_STORE_ID_LENGTH}"
    if text.isascii() and text.isprintable():  # the common case: no control character
        return None if text.strip() else f"must not be blank, got {text!r}"
    # Surrounding white space (tabs and newlines too) is trimmed, not refused.
    core = text.strip()
    bad = [(i, c) for i, c in enumerate(core) if unicodedata.category(c) in _REFUSED]
    why = (
        "invisible, control, private-use and unassigned characters are refused, "
        "not stripped: give the id as the platform shows it"
    )
    if bad and len(bad) == len(core):
        return f"contains only invisible characters ({_describe(bad[0][1])}): {why}"
    if bad:
        i, char = bad[0]
        kind = _REFUSED[unicodedata.category(char)]
        return f"contains {_describe(char)} ({kind}) at position {i}: {why}"
    if not core:
        return f"must not be blank, got {text!r}"
    return None


def canonical_store_id(
    text: str,
    *,
    case_sensitive: bool = False,
    pattern: str = "",
    seller_urls: Sequence[str] = (),
) -> str:
    r"""
    Return the canonical form of a store id, or refuse it.

    Steps: the shared checks of :func:`~lazada_eligibility.identity.store_id_problem`; NFKC and trimming;
    a seller page URL reduced by *seller_urls* (``query:NAME`` takes the
    query parameter ``NAME``; ``path:/usr/{id}`` the path segment after
    ``/usr/``), and any other URL or path refused; spaces inside refused;
    case folded unless *case_sensitive*; *pattern*, when given, must match
    the whole folded id; then letters outside ASCII folded to their TR39
    skeleton, so that a Cyrillic and a Latin ``a`` are one letter.

    Raises:
        ValidationError: The id is refused; the problem's path is ``store_id``.

    Example:
        >>> from lazada_eligibility import canonical_store_id
        >>> canonical_store_id(" \uff22est-Shop ")  # a full-width B
        'best-shop'
        >>> canonical_store_id("https://www.ebay.de/usr/Best-Shop", seller_urls=["path:/usr/{id}"])
        'best-shop'
        >>> canonical_store_id("\u0430\u0440\u0440le")  # Cyrillic a and er
        'apple'
        >>> canonical_store_id("A2X9 K4PLMN7Q")
        Traceback (most recent call last):
        ...
        lazada_eligibility.exceptions.ValidationError: store_id: contains a space ...

    .. versionadded:: 0.2.0
    """
    return _canonical(text, case_sensitive, pattern, tuple(seller_urls), reduce=True)


def _refuse(message: str) -> ValidationError:
    return ValidationError.single("store_id", message)


def _canonical(
    text: str, case_sensitive: bool, pattern: str, seller_urls: tuple[str, ...], *, reduce: bool
) -> str:
    if (problem := store_id_problem(text)) is not None:
        raise _refuse(problem)
    if text.isascii():  # NFKC leaves ASCII as it is
        folded = text.strip()
    else:
        folded = unicodedata.normalize("NFKC", text).strip()
        if (problem := store_id_problem(folded)) is not None:
            raise _refuse(f"{problem} (after Unicode NFKC normalisation of {text!r})")
        _refuse_normalising_look_alikes(text)
    if _URL_LIKE.search(folded):
        if not reduce:
            raise _refuse(f"the seller page URL names {folded!r}, which is not a store id")
        return _canonical(
            _from_url(folded, seller_urls), case_sensitive, pattern, seller_urls, reduce=False
        )
    if (space := _SPACE.search(folded)) is not None:
        raise _refuse(
            f"contains a space at position {space.start()} of {folded!r}: a store id has no spaces"
        )
    # The set is of case-folded ids, whether or not the platform ignores case.
    if pattern and re.fullmatch(pattern, folded.casefold()) is None:
        odd = [(i, c) for i, c in enumerate(folded) if re.fullmatch(pattern, c.casefold()) is None]
        where = f"{_describe(odd[0][1])} at position {odd[0][0]}, " if odd else ""
        raise _refuse(
            f"{text.strip()!r} is not a store id on this platform: {where}expected the whole "
            f"id to match {pattern!r}"
        )
    result = skeleton(folded, case_sensitive=case_sensitive)
    if not folded.isascii() and (_URL_LIKE.search(result) or _SPACE.search(result)):
        # A fraction slash folds to '/', an ideographic full stop to '.': what
        # the letters imitate is read as the id, and that is no id.
        raise _refuse(f"{text.strip()!r} imitates {result!r}, which is not a store id")
    if len(result) > MAX_STORE_ID_LENGTH:
        raise _refuse(
            f"is {len(result)} characters long once normalised; "
            f"a store id has at most {MAX_STORE_ID_LENGTH}"
        )
    return result


def _refuse_normalising_look_alikes(text: str) -> None:
    # NFKC and the look-alike table can disagree on a character: the long s
    # (U+017F) normalises to "s" but looks like "f". Folding it either way
    # would let "\u017foo" pass for "soo" while a reader sees "foo"; so such a
    # character is refused rather than read as one of the two.
    for char in text:
        if char.isascii():
            continue
        normal = unicodedata.normalize("NFKC", char)
        if normal == char:
            continue
        looks = skeleton(char, case_sensitive=False)
        if looks != skeleton(normal, case_sensitive=False):
            raise _refuse(
                f"contains {_describe(char)}, which Unicode normalises to {normal!r} "
                f"but which looks like {looks!r}: give the id as the platform shows it"
            )


def _from_url(text: str, seller_urls: tuple[str, ...]) -> str:
    url = text if "://" in text else f"//{text.lstrip('/')}"
    refused = f"{text!r} is a URL or a path, not a store id: give the store id itself" + (
        " or a seller page URL of the platform"
        if seller_urls
        else " (this platform's seller page URLs are not known)"
    )
    if "\\" in text:
        raise _refuse(refused)
    try:
        parts = urlsplit(url)
    except ValueError:
        raise _refuse(refused) from None
    for form in seller_urls:
        match = _SELLER_URL.fullmatch(form)
        if match is None:  # pragma: no cover -- Platform validates its forms
            continue
        if (param := match["param"]) is not None:
            values = parse_qs(parts.query).get(param, [])
            if len(values) == 1 and values[0]:
                return values[0]
        else:
            prefix = match["path"]
            path = parts.path
            if path.casefold().startswith(prefix):
                found = path[len(prefix) :].split("/", 1)[0]
                if found:
                    return unquote(found)
    raise _refuse(refused)


def seller_url_problem(form: object) -> str | None:
    """
    Return what is wrong with a seller page URL form, or ``None`` (internal).
    """
    if not isinstance(form, str) or _SELLER_URL.fullmatch(form) is None:
        return f"expected 'query:NAME' or 'path:/PREFIX/{{id}}', got {form!r}"
    return None


def _load_table() -> tuple[dict[str, str], dict[str, str]]:
    text = (
        resources.files("lazada_eligibility")
        .joinpath("data")
        .joinpath("confusables.json")
        .read_text(encoding="utf-8")
    )
    data = json.loads(text)
    return data["skeletons"], data["ambiguous"]


_SKELETONS, _AMBIGUOUS = _load_table()
_MAX_ROUNDS: Final = 4


def _fold_char(char: str, *, case_sensitive: bool) -> str:
    found = _SKELETONS.get(char)
    if found is not None:
        return found
    if char not in _AMBIGUOUS:
        return char
    if not case_sensitive:
        # Greek capital omicron looks like O and 0; its small letter only like o.
        small = char.casefold()
        if not any(c in _AMBIGUOUS for c in small):
            return "".join(_SKELETONS.get(c, c) for c in small)
    looks = " or ".join(repr(c) for c in _AMBIGUOUS[char])
    raise _refuse(
        f"contains {_describe(char)}, which looks like {looks}: a look-alike that could "
        "stand for several characters is refused; write the id in the platform's own letters"
    )


def skeleton(text: str, *, case_sensitive: bool = True) -> str:
    """
    Fold look-alikes of *text* outside ASCII to the letters they imitate (internal).

    Per Unicode TR39's confusables, from the generated table: Cyrillic small
    a becomes ``a``; a character that looks like several ASCII characters
    (Cyrillic capital O for ``O`` or ``0``) is refused. ASCII characters are
    kept: ``0`` and ``O`` are two characters in every platform's ids. Case is
    folded too unless *case_sensitive*. The result is NFKC, and folding it
    again changes nothing.

    Raises:
        ValidationError: An ambiguous look-alike; the problem's path is ``store_id``.
    """
    if text.isascii():  # nothing to fold but, maybe, case
        return text if case_sensitive else text.lower()
    result = text
    for _ in range(_MAX_ROUNDS):
        if case_sensitive and result.isascii():
            return result
        decomposed = unicodedata.normalize("NFD", result)
        step = unicodedata.normalize(
            "NFKC",
            "".join(
                c if c.isascii() else _fold_char(c, case_sensitive=case_sensitive)
                for c in decomposed
            ),
        )
        if not case_sensitive:
            step = unicodedata.normalize("NFKC", step.casefold())
        if step == result:
            break
        result = step
    return result


class _Held(Protocol):
    @property
    def application_id(self) -> str: ...
    @property
    def applicant(self) -> str: ...


class _Applying(Protocol):
    @property
    def id(self) -> str | None: ...
    @property
    def applicant(self) -> str: ...


def same_holder(claim: _Held, application: _Applying) -> bool:
    """
    Tell whether *claim* is held by *application* itself (internal).

    Both the application id and the applicant must match: the id comes from
    the applicant's own input, so an id alone would let anyone who learns
    it reuse the holder's records.
    """
    return (
        application.id is not None
        and claim.application_id == application.id
        and claim.applicant == application.applicant
    )
