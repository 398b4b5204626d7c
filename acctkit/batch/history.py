"""The history of reviews: the review packs of an output folder, read from their manifests.

Each published pack (``reports/2026-10/``, ``reports/2026-10-15/``...) records in its
``manifest.json`` its review (name, date, cadence, previous review date) and what it found
(accounts, health bands, alerts, failed reports). From those manifests only:

- :func:`pack_reviews` gives a run the packs around it: the previous review's pack (its
  account pages, for each account page's "Previous review" link) and the health bands of
  the past packs of the same cadence (the portfolio page's history). The batch writes it
  into the bundle (``reviews.json``).
- :func:`write_reviews_index` rewrites ``<out>/index.html`` atomically after each run:
  every pack present, newest first. A deleted pack leaves the index at the next run.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from acctkit.batch.manifest import read_manifest
from acctkit.errors import ReportError
from acctkit.format import date as display_date
from acctkit.format import number
from acctkit.i18n import labels
from acctkit.kpis.reviews import previous_review
from acctkit.outputs import write_bytes_atomic
from acctkit.report.html import badge, document, join, link, stylesheet, table, tag
from acctkit.theme import PALETTE

INDEX = "index.html"
BANDS = ("green", "amber", "red")
SEVERITIES = ("high", "medium", "low")


def review_settings(plan) -> dict:
    """The review of a run as its manifest records it: pack name, date, cadence and the
    previous review's date."""
    before = previous_review(plan.as_of, plan.cadence, plan.previous)
    return {
        "name": plan.folder,
        "as_of": plan.as_of.isoformat(),
        "cadence": plan.cadence,
        "previous_review": f"{before:%Y-%m-%d}",
    }


def check_review_date(portfolio, as_of) -> None:
    """ReportError when the review date is before every date of the data (nothing to
    review)."""
    from acctkit.data.schema import SCHEMA

    firsts = []
    for name, frame in portfolio.tables().items():
        column = SCHEMA[name].date_column
        if column and name not in ("contacts", "review_notes") and len(frame):
            first = frame[column].min()
            if pd.notna(first):
                firsts.append(first)
    if firsts and pd.Timestamp(as_of) < min(firsts):
        raise ReportError(
            f"the review date {pd.Timestamp(as_of):%Y-%m-%d} is before the data, which starts "
            f"on {min(firsts):%Y-%m-%d}: there is nothing to review yet"
        )


def pack_summary(kpis: pd.DataFrame, alerts: pd.DataFrame) -> dict:
    """What a pack found, for the history: the portfolio's accounts, accounts per health
    band, alerts per severity (all accounts of the bundle, whichever pages the pack has)."""
    bands = kpis["health_band"].astype("string").value_counts() if len(kpis) else {}
    severities = alerts["severity"].astype("string").value_counts() if len(alerts) else {}
    return {
        "portfolio_accounts": int(len(kpis)),
        "bands": {band: int(bands.get(band, 0)) for band in BANDS},
        "alerts": {severity: int(severities.get(severity, 0)) for severity in SEVERITIES},
    }


def review_packs(out: str | os.PathLike) -> list[dict]:
    """Every published review pack of ``out`` with a complete manifest, newest first:
    ``name``, ``as_of``, ``cadence``, ``previous_review``, ``accounts``, ``bands``,
    ``alerts``, ``failed`` and ``pages`` (account id -> page, relative to the pack)."""
    out = Path(out)
    packs = []
    if not out.is_dir():
        return packs
    for folder in out.iterdir():
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        manifest = read_manifest(folder)
        if manifest is None or manifest.get("state") != "complete":
            continue
        review = manifest.get("review") or {}
        entries = [e for e in manifest.get("accounts", []) if isinstance(e, dict)]
        packs.append(
            {
                "name": folder.name,
                "as_of": review.get("as_of") or manifest.get("as_of"),
                "cadence": review.get("cadence", "monthly"),
                "previous_review": review.get("previous_review"),
                "accounts": len(entries),
                "portfolio_accounts": review.get("portfolio_accounts"),
                "bands": review.get("bands") or {},
                "alerts": review.get("alerts") or {},
                "failed": sum(entry.get("status") != "done" for entry in entries),
                "portfolio_ok": (manifest.get("portfolio") or {}).get("status") == "done",
                "pages": {
                    entry["account_id"]: entry["html"]
                    for entry in entries
                    if entry.get("status") == "done" and entry.get("html")
                },
            }
        )
    return sorted(packs, key=lambda pack: (str(pack["as_of"]), pack["name"]), reverse=True)


def pack_reviews(out: str | os.PathLike, name: str, review: Mapping) -> dict:
    """The packs around the review ``name`` (its manifest's ``review``): ``previous``, the
    pack held on the previous review date (the same cadence first), with its account pages
    as links relative to an account page of this pack, or None; ``packs``, this review and
    the earlier ones of the same cadence, oldest first, at most 12, with the portfolio's
    accounts and health bands."""
    packs = [pack for pack in review_packs(out) if pack["name"] != name]
    current = {**review, "name": name}
    earlier = [pack for pack in packs if str(pack["as_of"]) < str(review["as_of"])]
    held = [pack for pack in earlier if pack["as_of"] == review["previous_review"]]
    held.sort(key=lambda pack: pack["cadence"] != review["cadence"])
    previous = None
    if held:
        pack = held[0]
        previous = {
            "name": pack["name"],
            "as_of": pack["as_of"],
            "cadence": pack["cadence"],
            "pages": {
                account_id: f"../../{pack['name']}/{page}"
                for account_id, page in pack["pages"].items()
            },
        }
    same = [pack for pack in earlier if pack["cadence"] == review["cadence"]][:11]
    history = [
        {
            **{key: pack.get(key) for key in ("name", "as_of", "cadence", "bands")},
            "accounts": pack.get("portfolio_accounts"),
        }
        for pack in [*reversed(same), current]
    ]
    return {"previous": previous, "packs": history}


def previous_pack(out: str | os.PathLike, name: str, review: Mapping) -> str | None:
    """The name of the previous review's pack in ``out`` (as :func:`pack_reviews`), or None."""
    previous = pack_reviews(out, name, review)["previous"]
    return previous["name"] if previous else None


def write_reviews_index(out: str | os.PathLike, lang: str = "en") -> Path:
    """Rewrite ``<out>/index.html`` (atomically): every review pack, newest first, with its
    date, cadence, accounts, health bands, alerts, failed reports and a link."""
    words = labels(lang).report
    bands = labels(lang).bands
    severities = labels(lang).severities
    headers = [
        words["reviews.pack"],
        words["reviews.date"],
        words["reviews.cadence"],
        words["reviews.pages"],
        words["reviews.bands"],
        words["reviews.alerts"],
        words["reviews.failed"],
    ]
    rows = []
    for pack in review_packs(out):
        counts = pack["bands"]
        band_cells = [
            badge(f"{bands.get(band, band)} {number(counts.get(band, 0), lang)}", band)
            for band in BANDS
            if band in counts
        ]
        alerts = pack["alerts"]
        alert_text = join(
            [
                tag("span", f"{severities.get(s, s)} {number(alerts.get(s, 0), lang)}", "ak-nw")
                for s in SEVERITIES
                if s in alerts
            ],
            " · ",
        )
        rows.append(
            [
                tag("span", link(pack["name"], f"{pack['name']}/{INDEX}"), "ak-nw"),
                tag("span", display_date(pd.Timestamp(pack["as_of"]), lang), "ak-nw")
                if pack["as_of"]
                else "",
                words.get(f"reviews.cadence.{pack['cadence']}", pack["cadence"]),
                number(pack["accounts"], lang),
                tag("span", band_cells, "ak-nw"),
                alert_text,
                number(pack["failed"], lang),
            ]
        )
    title = words["reviews.index_title"]
    body = [tag("h1", title), tag("p", words["reviews.index_intro"], "ak-note")]
    if rows:
        body.append(table(headers, rows, text_columns=(0, 1, 2, 4, 5), classes="ak-wide"))
    else:
        body.append(tag("p", words["reviews.index_empty"], "ak-note"))
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body.append(tag("p", words["reviews.index_written"].format(when=stamp), "ak-note"))
    page = document(title, [stylesheet(), tag("style", Markup(_PAGE_CSS)), *body], lang)
    return write_bytes_atomic(Path(out) / INDEX, str(page).encode("utf-8"))


_PAGE_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;"
    f"color:{PALETTE['text']}}}table{{border-collapse:collapse}}th,td{{padding:.35rem .6rem;"
    f"border-bottom:1px solid {PALETTE['rule']};text-align:right}}"
    "th.text,td.text{text-align:left}.ak-nw .ak-badge{margin-right:.3rem}"
)
