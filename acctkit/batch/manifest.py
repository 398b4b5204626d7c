"""The manifest of a month's reports: what went in, what came out, and whether to trust it.

``manifest.json`` records the review date, the run's parameters, the versions of the
packages that rendered the reports, a fingerprint of every input (data files, model file,
configuration, review notebooks) and, per account, the report's files, status, duration and
error. ``--resume`` trusts a report from an earlier run only when that run's fingerprint and
the account's parameters equal the current ones and its files are there.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from acctkit.outputs import write_bytes_atomic

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
_PACKAGES = (
    "acctkit",
    "pandas",
    "numpy",
    "pyarrow",
    "scikit-learn",
    "matplotlib",
    "papermill",
    "nbclient",
    "nbconvert",
    "nbformat",
    "jupyter_client",
    "ipykernel",
    "ipython",
    "pyzmq",
)


@functools.cache
def package_versions() -> dict[str, str]:
    """Python's and the report stack's versions, e.g. ``{"pandas": "3.1.1", ...}``."""
    versions = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def file_digest(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_digests(data: str | os.PathLike) -> dict[str, str]:
    """SHA-256 of every data file: the workbook itself, or each visible file of a folder."""
    data = Path(data)
    if not data.is_dir():
        return {data.name: file_digest(data)}
    files = sorted(
        path
        for path in data.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(data).parts)
    )
    return {path.relative_to(data).as_posix(): file_digest(path) for path in files}


def database_digest(shown: str, portfolio) -> dict[str, str]:
    """A database source's fingerprint: its URL (password masked) and a digest of the tables
    as loaded, so that a resume reuses reports only when the data is the same."""
    import pandas as pd

    digest = hashlib.sha256()
    for name, frame in portfolio.tables().items():
        digest.update(name.encode())
        digest.update(",".join(map(str, frame.columns)).encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return {"database": shown, "tables": digest.hexdigest()}


@dataclass(frozen=True)
class Inputs:
    """Everything a month's reports depend on, reduced to digests.

    Attributes
    ----------
    data : dict
        Data file -> SHA-256.
    model : str
        ``"trained"`` (from the data, at the review date), ``"none"``, or the model file's
        SHA-256.
    notebooks : dict
        Notebook file name -> SHA-256.
    settings : dict
        Review date, language, configuration and acctkit's version.
    """

    data: Mapping[str, str]
    model: str
    notebooks: Mapping[str, str]
    settings: Mapping[str, object]

    def to_dict(self) -> dict:
        """The inputs as plain JSON (recorded in the manifest)."""
        return {
            "data": dict(self.data),
            "model": self.model,
            "notebooks": dict(self.notebooks),
            "settings": dict(self.settings),
        }

    @property
    def fingerprint(self) -> str:
        """One SHA-256 over every input: equal fingerprints, equal bundle and reports."""
        text = json.dumps(self.to_dict(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def read_manifest(folder: str | os.PathLike) -> dict | None:
    """A month folder's manifest, or None when it is missing, unreadable or of another format."""
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        return None
    return manifest


def write_manifest(folder: str | os.PathLike, manifest: Mapping) -> Path:
    """Write ``manifest.json`` atomically (readers see the old one or the new one)."""
    text = json.dumps(manifest, indent=2, ensure_ascii=False, default=str)
    return write_bytes_atomic(Path(folder) / MANIFEST, text.encode("utf-8"))


def complete_reports(
    folder: str | os.PathLike, fingerprint: str, expected: Mapping[str, Mapping]
) -> dict[str, dict]:
    """The reports of ``folder`` that a run with these inputs may reuse as they are.

    Parameters
    ----------
    folder : path
        A month folder, or the staging folder of an interrupted run.
    fingerprint : str
        :attr:`Inputs.fingerprint` of the current run.
    expected : mapping
        Account id -> what the current run would write for it: ``parameters`` (passed to
        the notebook), ``html`` and ``notebook`` (paths relative to the month folder).

    Returns
    -------
    dict
        Account id -> manifest entry, for each account whose report was written by a run
        with the same fingerprint, parameters and file names, and whose files exist.
    """
    manifest = read_manifest(folder)
    if manifest is None or manifest.get("fingerprint") != fingerprint:
        return {}
    reusable = {}
    for entry in manifest.get("accounts", []):
        if not isinstance(entry, dict) or entry.get("status") != "done":
            continue
        wanted = expected.get(entry.get("account_id"))
        if wanted is None or any(entry.get(key) != value for key, value in wanted.items()):
            continue
        if all((Path(folder) / entry[key]).is_file() for key in ("html", "notebook")):
            reusable[entry["account_id"]] = entry
    return reusable
