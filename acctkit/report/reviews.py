"""The review as a series: what the pages say about the reviews before this one.

- :func:`previous_review_link`: the account page's link to the same account's page in the
  previous review pack (when the batch found that pack);
- :func:`since_last_review`: the account page's "Since the last review" section, the
  review notes written after the previous review up to this one, and the next steps not
  done yet (overdue ones marked);
- :func:`review_history`: the portfolio page's health bands at this review and the earlier
  packs of the same cadence.

The rule of which review a note belongs to: a note belongs to the first review held on or
after its date, so this review shows the notes dated ``previous < noted_on <= as_of``; a
note dated on the previous review's day was written at (or for) the previous review and
is shown there, not here. Numbers come from :mod:`acctkit.kpis.reviews`; every value from
the data is escaped by the tag builder.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from acctkit.format import date, fill, is_missing, number
from acctkit.i18n import labels
from acctkit.kpis.reviews import open_next_steps
from acctkit.report.bundle import read_reviews
from acctkit.report.html import Html, badge, block, link, table, tag

BANDS = ("green", "amber", "red")
__all__ = [
    "notes_since",
    "open_steps",
    "previous_review_link",
    "read_reviews",
    "review_history",
    "since_last_review",
]


def notes_since(account) -> pd.DataFrame:
    """The account's review notes of this review: ``previous < noted_on <= as_of``."""
    notes = account.review_notes
    if notes.empty:
        return notes
    noted = pd.to_datetime(notes["noted_on"])
    mine = (noted > account.previous_review) & (noted <= account.as_of)
    return notes[mine].sort_values("noted_on", kind="stable")


def open_steps(account) -> pd.DataFrame:
    """The account's next steps not done at the review date, overdue ones first."""
    notes = account.review_notes
    if notes.empty:
        return notes.assign(overdue=pd.Series(dtype=bool), days_late=pd.Series(dtype="int64"))
    notes = notes.assign(
        noted_on=pd.to_datetime(notes["noted_on"]),
        due_on=pd.to_datetime(notes["due_on"]),
        done_on=pd.to_datetime(notes["done_on"]),
    )
    steps = open_next_steps(notes, account.as_of)
    return steps.sort_values(["overdue", "due_on"], ascending=[False, True], kind="stable")


def previous_review_link(account, lang: str = "en") -> Html:
    """ "Previous review (30 Sep 2026)", linking the same account's page in the previous
    review pack; nothing when that pack or that page does not exist."""
    previous = account.reviews.get("previous") or {}
    href = (previous.get("pages") or {}).get(account.account_id)
    if not href:
        return block()
    text = labels(lang).report["reviews.previous_link"]
    text = fill(text, lang, date=date(pd.Timestamp(previous["as_of"]), lang))
    return block(tag("p", link(text, href), "ak-note ak-previous-review"))


def since_last_review(account, lang: str = "en") -> Html:
    """The notes of this review (decisions, next steps, comments) and the open next steps."""
    words = labels(lang).report
    previous = date(account.previous_review, lang)
    heading = tag("h2", words["heading.since_review"])
    intro = tag("p", fill(words["intro.since_review"], lang, previous=previous))
    notes = notes_since(account)
    subheading = tag("h3", fill(words["reviews.notes"], lang, previous=previous), "ak-h3")
    parts = [heading, intro, subheading]
    if notes.empty:
        parts.append(tag("p", words["reviews.none_notes"], "ak-note"))
    else:
        headers = [words["reviews.noted_on"], words["reviews.kind"], words["reviews.text"]]
        headers += [words["reviews.author"], words["reviews.due_on"]]
        body = [
            [
                date(r.noted_on, lang),
                _kind(r.kind, words),
                r.text,
                "" if is_missing(r.author) else r.author,
                "" if is_missing(r.due_on) else date(r.due_on, lang),
            ]
            for r in notes.itertuples()
        ]
        parts.append(table(headers, body, text_columns=(0, 1, 2, 3), classes="ak-wide"))
    parts.append(tag("h3", words["reviews.open_steps"], "ak-h3"))
    steps = open_steps(account)
    if steps.empty:
        parts.append(tag("p", words["reviews.none_steps"], "ak-note"))
    else:
        headers = [words["reviews.state"], words["reviews.text"], words["reviews.author"]]
        headers += [words["reviews.noted_on"], words["reviews.due_on"], words["reviews.days_late"]]
        body = [
            [
                badge(words["reviews.overdue"], "overdue")
                if r.overdue
                else badge(words["reviews.open"], "open"),
                r.text,
                "" if is_missing(r.author) else r.author,
                date(r.noted_on, lang),
                "" if is_missing(r.due_on) else date(r.due_on, lang),
                number(r.days_late, lang) if r.days_late else "",
            ]
            for r in steps.itertuples()
        ]
        rows = ["ak-overdue" if overdue else None for overdue in steps["overdue"]]
        parts.append(
            table(headers, body, text_columns=(0, 1, 2), classes="ak-wide", row_classes=rows)
        )
    return block(*parts)


def review_history(
    meta: Mapping, reviews: Mapping, lang: str = "en", kpis: pd.DataFrame | None = None
) -> Html:
    """The portfolio's health bands at this review and at the earlier packs of the same
    cadence (``reviews["packs"]``, oldest first), each past pack linked; without a batch's
    history, this review's bands from ``kpis``."""
    words = labels(lang)
    report = words.report
    packs = list(reviews.get("packs") or [])
    if not packs and kpis is not None:
        counts = kpis["health_band"].astype("string").value_counts()
        packs = [
            {
                "name": "",
                "as_of": meta.get("as_of"),
                "accounts": len(kpis),
                "bands": {band: int(counts.get(band, 0)) for band in BANDS},
            }
        ]
    heading = tag("h2", report["heading.review_history"])
    previous = date(meta.get("previous_review"), lang)
    intro = tag("p", fill(report["intro.review_history"], lang, previous=previous))
    headers = [report["reviews.date"], report["reviews.accounts"]]
    headers += [words.bands.get(band, band) for band in BANDS] + [report["reviews.bands"]]
    body = []
    for pack in reversed(packs):  # newest first
        when = date(pd.Timestamp(pack["as_of"]), lang) if pack.get("as_of") else ""
        current = pack.get("as_of") == meta.get("as_of")
        if current:
            when = [when, " ", tag("span", f"({report['reviews.this_review']})", "ak-note")]
        elif pack.get("name"):
            when = link(when, f"../{pack['name']}/index.html")
        bands = pack.get("bands") or {}
        body.append(
            [
                when,
                number(pack.get("accounts"), lang),
                *[number(bands.get(band, 0), lang) for band in BANDS],
                _band_bar(bands),
            ]
        )
    return block(_bar_css(), heading, intro, table(headers, body, classes="ak-wide"))


def _band_bar(bands: Mapping) -> Html:
    """A bar split by the share of accounts in each band, in twentieths (the numbers are
    beside it); classes only, no inline style (:func:`_bar_css`)."""
    total = sum(int(bands.get(band, 0)) for band in BANDS) or 1
    pieces = [
        tag("span", "", f"ak-bar ak-bar-{band} ak-w{round(20 * int(bands.get(band, 0)) / total)}")
        for band in BANDS
    ]
    return tag("span", pieces, "ak-nw")


def _bar_css() -> Html:
    """The band bar's stylesheet: a colour per band, a width per twentieth (0.6rem)."""
    from markupsafe import Markup

    from acctkit.theme import BAND_COLOURS

    rules = [".ak-bar{display:inline-block;height:.8rem;vertical-align:middle}"]
    rules += [f".ak-bar-{band}{{background:{BAND_COLOURS[band]}}}" for band in BANDS]
    rules += [f".ak-w{n}{{width:{0.6 * n:.1f}rem}}" for n in range(21)]
    return tag("style", Markup("".join(rules)))


def _kind(kind, words: Mapping) -> str:
    return words.get(f"reviews.kind.{kind}", str(kind))
