"""
Canonical JSON and its SHA-256: the one way this package fingerprints what decides.

A policy, a platform catalog, a category taxonomy, a category map and the
rates a decision used are all fingerprinted by :func:`digest_of` of their
JSON-ready content, so equal content gives equal digests in every process
and on every machine.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Final

__all__ = ["DIGEST", "canonical_json", "digest_of", "digest_text"]

DIGEST: Final = re.compile(r"[0-9a-f]{64}")
"""What a digest looks like: 64 lowercase hexadecimal digits."""


def canonical_json(doc: object) -> str:
    """
    Return *doc* as canonical JSON text: sorted keys, no spaces, UTF-8 characters kept.
    """
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest_text(text: str) -> str:
    """
    Return the SHA-256 of *text* (UTF-8), in hexadecimal.
    """
    return hashlib.sha256(text.encode()).hexdigest()


def digest_of(doc: object) -> str:
    """
    Return the SHA-256 of the canonical JSON of *doc*.
    """
    return digest_text(canonical_json(doc))
