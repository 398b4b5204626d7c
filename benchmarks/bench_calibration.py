"""Calibration of the early-warning probabilities, and ranking against v1's balanced fit.

For each seed: generate a 1,000-account x 36-month portfolio (``generate_tables``), fit the
model's pipeline on the time-based training part of its panel (as ``EarlyWarningModel.fit``
does) and score the hold-out (the latest 25 % of snapshot dates). Prints one markdown table:
the hold-out's observed rate, the mean predicted probability and its gap to that rate, the
expected calibration error (10 equal-width bins), and the hold-out ROC AUC of today's model
beside v1's (``class_weight="balanced"``, C = 1) on the same snapshots.

Targets (issue 14): mean prediction within +-25 % of the observed rate, ECE <= 0.02, ROC AUC
within 0.01 of v1's, on every seed.

Usage::

    python benchmarks/bench_calibration.py                  # seeds 0-4
    python benchmarks/bench_calibration.py --seeds 0 1 --accounts 500
"""

from __future__ import annotations

import argparse
import math

import numpy as np

END = "2026-10-31"


def v1_pipeline():
    """v1's model: the same steps with balanced class weights and C = 1."""
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline(
        [
            ("impute", SimpleImputer(strategy="median", add_indicator=True)),
            ("scale", StandardScaler()),
            ("logit", LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)),
        ]
    )


def measure(seed: int, n_accounts: int, months: int) -> dict:
    from sklearn.metrics import roc_auc_score

    from acctkit.data import from_frames
    from acctkit.datasets import generate_tables
    from acctkit.model import FEATURES, build_panel, calibration_error
    from acctkit.model.early_warning import DEFAULT_C, HOLDOUT_SHARE, build_pipeline

    portfolio = from_frames(generate_tables(n_accounts, months, END, seed))
    panel = build_panel(portfolio, END)
    dates = np.sort(panel["snapshot_date"].unique())
    start = dates[-max(1, math.ceil(len(dates) * HOLDOUT_SHARE))]
    train, holdout = panel[panel["snapshot_date"] < start], panel[panel["snapshot_date"] >= start]
    features = list(FEATURES)
    label = holdout["label"].to_numpy()
    now = build_pipeline(DEFAULT_C).fit(train[features], train["label"])
    before = v1_pipeline().fit(train[features], train["label"])
    predicted = now.predict_proba(holdout[features])[:, 1]
    v1 = before.predict_proba(holdout[features])[:, 1]
    return {
        "seed": seed,
        "snapshots": len(holdout),
        "positives": int(label.sum()),
        "observed": label.mean(),
        "predicted": predicted.mean(),
        "v1_predicted": v1.mean(),
        "ece": calibration_error(label, predicted),
        "v1_ece": calibration_error(label, v1),
        "auc": roc_auc_score(label, predicted),
        "v1_auc": roc_auc_score(label, v1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--accounts", type=int, default=1_000)
    parser.add_argument("--months", type=int, default=36)
    args = parser.parse_args(argv)
    print(
        f"Early-warning hold-out calibration, {args.accounts:,} accounts x {args.months} "
        f"months, as of {END}:\n"
    )
    print(
        "| seed | hold-out snapshots | positives | observed rate | mean predicted | gap "
        "| ECE | v1 mean predicted | v1 ECE | ROC AUC | v1 ROC AUC | AUC change |"
    )
    print("|---:" * 12 + "|")
    for seed in args.seeds:
        r = measure(seed, args.accounts, args.months)
        gap = r["predicted"] / r["observed"] - 1
        print(
            f"| {r['seed']} | {r['snapshots']:,} | {r['positives']} | {r['observed']:.4f} "
            f"| {r['predicted']:.4f} | {gap:+.0%} | {r['ece']:.4f} | {r['v1_predicted']:.3f} "
            f"| {r['v1_ece']:.3f} | {r['auc']:.3f} | {r['v1_auc']:.3f} "
            f"| {r['auc'] - r['v1_auc']:+.4f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
