"""File names for account reports: safe and unique, whatever the account ids contain.

An account id is CRM data: it may hold ``/``, ``..``, spaces, accents, CJK characters or
300 characters. A report's file name keeps the id when it is already a plain name
(``A0001``, ``007``, ``ACME_fr-2``) and otherwise a readable ASCII slug of it plus a short
hash of the exact id: ``../x`` -> ``x-d6b96a97d1``, ``名前`` -> ``account-7ec2629241``.
File names use only ``A-Z a-z 0-9 _ -``, so a name never leaves its folder, needs no
escaping in a URL and never hides a file (no leading dot). Names are unique even on
case-insensitive file systems (macOS, Windows): ids that differ only by case get hashes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

#: Longest readable part of a file name; with the hash a name stays under 80 characters.
MAX_SLUG = 64
_HASH_DIGITS = 10
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{digit}" for digit in range(10)}
    | {f"lpt{digit}" for digit in range(10)}
)


def slugify(account_id: str) -> str:
    """The readable part of a file name: ASCII letters, digits, ``_`` and ``-`` only.

    Accents are dropped (``Société`` -> ``Societe``), every other run of characters
    becomes one ``-``, and the result is cut to :data:`MAX_SLUG` characters. It may be
    empty (``名前``); :func:`file_stem` then names the file ``account-<hash>``.

    Examples
    --------
    >>> slugify("../Société Générale/2")
    'Societe-Generale-2'
    """
    ascii_text = unicodedata.normalize("NFKD", account_id).encode("ascii", "ignore").decode()
    return _UNSAFE.sub("-", ascii_text).strip("-")[:MAX_SLUG].rstrip("-")


def file_stem(account_id: str, *, digits: int = 0) -> str:
    """The file name of one account's report, without its suffix.

    Parameters
    ----------
    account_id : str
        The exact account id.
    digits : int, optional
        Hex digits of the id's SHA-256 to append; 0 appends none when the id is already a
        plain name (:func:`file_stems` raises it to settle clashes).

    Examples
    --------
    >>> file_stem("007")
    '007'
    >>> file_stem("a/b")
    'a-b-c14cddc033'
    """
    slug = slugify(account_id)
    if digits == 0 and slug == account_id and slug.lower() not in _WINDOWS_DEVICES:
        return slug
    digest = hashlib.sha256(account_id.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{slug or 'account'}-{digest[: max(digits, _HASH_DIGITS)]}"


def file_stems(account_ids: Iterable[str]) -> dict[str, str]:
    """A unique file name for each account id, also on case-insensitive file systems.

    Ids whose names clash (``A1`` and ``a1``; an id that looks like another's slug and
    hash) get longer hashes until every name differs ignoring case. The name of an id
    depends on the other ids only in such clashes, so names are stable from month to month.

    Parameters
    ----------
    account_ids : iterable of str
        Every account id of the portfolio.

    Returns
    -------
    dict
        Account id -> file name without suffix.

    Examples
    --------
    >>> file_stems(["A1", "a1", "B2"])["B2"]
    'B2'
    """
    ids = list(dict.fromkeys(str(account_id) for account_id in account_ids))
    digits = dict.fromkeys(ids, 0)
    for _ in range(5):  # 0, 16, 32, 64 digits: only a SHA-256 collision could need more
        stems = {account_id: file_stem(account_id, digits=digits[account_id]) for account_id in ids}
        groups: dict[str, list[str]] = defaultdict(list)
        for account_id, stem in stems.items():
            groups[stem.lower()].append(account_id)
        clashes = [group for group in groups.values() if len(group) > 1]
        if not clashes:
            return stems
        for group in clashes:
            for account_id in group:
                digits[account_id] = min(max(digits[account_id] * 2, _HASH_DIGITS + 6), 64)
    raise RuntimeError(f"could not give unique file names to {len(ids)} account ids")
