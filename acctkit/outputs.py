"""Writing result tables: CSV, Parquet or Excel by suffix, always atomically.

A table is written to a temporary file in the target folder, then renamed over the target,
so a reader (or an interrupted run) never sees a half-written file.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pandas as pd

from acctkit.errors import OutputError

SUFFIXES = (".csv", ".parquet", ".xlsx")


def write_table(frame: pd.DataFrame, path: str | Path, *, index: bool = True) -> Path:
    """Write ``frame`` to ``path`` (``.csv``, ``.parquet`` or ``.xlsx``) atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise OutputError(f"cannot write '{path}': use a file name ending in {', '.join(SUFFIXES)}")
    with atomic_path(path) as temporary:
        if suffix == ".csv":
            frame.to_csv(temporary, index=index, encoding="utf-8", lineterminator="\n")
        elif suffix == ".parquet":
            frame.to_parquet(temporary, index=index)
        else:
            _excel_safe(frame).to_excel(temporary, index=index, engine="openpyxl")
    return path


def _excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel cannot hold categoricals of strings with NA well; write them as text."""
    converted = {
        name: frame[name].astype(object)
        for name in frame.columns
        if isinstance(frame[name].dtype, pd.CategoricalDtype)
    }
    return frame.assign(**converted) if converted else frame


class atomic_path:  # noqa: N801 - used as a context manager, reads like ``open``
    """A temporary path beside ``target``; renamed over it on success, removed on failure."""

    def __init__(self, target: Path):
        self.target = Path(target)

    def __enter__(self) -> Path:
        name = f".{self.target.stem}.{uuid.uuid4().hex[:8]}.tmp{self.target.suffix}"
        self.temporary = self.target.with_name(name)
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            self.temporary.touch(exist_ok=False)  # normal permissions (umask), unlike mkstemp
        except OSError as exc:
            raise OutputError(f"cannot write to '{self.target.parent}': {exc.strerror}") from None
        return self.temporary

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            try:
                os.replace(self.temporary, self.target)
                return
            except OSError as exc:
                self.temporary.unlink(missing_ok=True)
                raise OutputError(f"cannot write '{self.target}': {exc.strerror}") from None
        self.temporary.unlink(missing_ok=True)
        if isinstance(value, OSError):
            raise OutputError(f"cannot write '{self.target}': {value.strerror}") from None


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` in one step (temporary file, fsync, rename)."""
    path = Path(path)
    with atomic_path(path) as temporary:
        with open(temporary, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    return path
