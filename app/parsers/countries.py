"""ISO 3166-1 alpha-2 country codes, from ``pycountry`` (the ISO 3166 table Debian's iso-codes maintains).

Why a package rather than an embedded list: the set of assigned codes changes (ISO/TC 46 newsletters) and the
documents print each code's name (``labels.model.country_name``, from the same table), so one maintained source
serves both. It holds the officially assigned codes (249). Shop systems also send the user-assigned ``XK`` for
Kosovo (Shopify does, and so do carriers), so it is accepted as well; other user-assigned or reserved codes
(``UK``, ``EU``, ``EL``) are refused, with a hint where the intended code is obvious.
"""

from __future__ import annotations

import pycountry

ISO_3166_ALPHA2: tuple[str, ...] = tuple(sorted(country.alpha_2 for country in pycountry.countries))
"""Officially assigned ISO 3166-1 alpha-2 codes, sorted."""

EXTRA_ACCEPTED: tuple[str, ...] = ("XK",)
"""User-assigned codes that shop systems and carriers use in practice (XK = Kosovo)."""

_ACCEPTED = frozenset(ISO_3166_ALPHA2 + EXTRA_ACCEPTED)

COMMON_MISTAKES: dict[str, str] = {"UK": "GB", "EL": "GR"}
"""Codes people write that ISO does not assign, with the code they mean (used only for hints)."""


def is_country_code(code: str) -> bool:
    """True for an accepted alpha-2 code; ``code`` must already be upper case (parsers normalise it)."""
    return code in _ACCEPTED
