"""Safe model files: skops format, loaded only when every type in the file is expected.

A pickle can run arbitrary code when loaded; a skops file is a description of the objects
that skops rebuilds itself, and we refuse any file holding a type outside the short list a
fitted early-warning pipeline is made of.
"""

from __future__ import annotations

from pathlib import Path

from acctkit.errors import ModelError

ALLOWED_TYPES = frozenset(
    {
        "sklearn.pipeline.Pipeline",
        "sklearn.impute._base.SimpleImputer",
        "sklearn.impute._base.MissingIndicator",
        "sklearn.preprocessing._data.StandardScaler",
        "sklearn.linear_model._logistic.LogisticRegression",
        "numpy.dtype",
        "numpy.ndarray",
        "numpy.float64",
        "numpy.int64",
        "builtins.str",
        "builtins.int",
        "builtins.float",
        "builtins.bool",
        "builtins.dict",
        "builtins.list",
        "builtins.tuple",
        "builtins.NoneType",
    }
)


def save_object(obj: object, path: str | Path) -> Path:
    """Write ``obj`` as a skops file, atomically (temporary file, then rename)."""
    import skops.io as sio

    from acctkit.outputs import atomic_path

    path = Path(path)
    with atomic_path(path) as temporary:
        sio.dump(obj, temporary)
    return path


def load_object(path: str | Path) -> object:
    """Read a skops file written by :func:`save_object`, refusing unexpected types."""
    import skops.io as sio

    path = Path(path)
    if path.is_dir():
        raise ModelError(
            f"'{path}' is a folder; give the model file (e.g. {path}/early_warning.skops)"
        )
    if not path.is_file():
        raise ModelError(f"model file '{path}' does not exist")
    try:
        found = set(sio.get_untrusted_types(file=path))
    except Exception as exc:  # not a zip / not a skops file
        raise ModelError(f"'{path}' is not an acctkit model file (skops format): {exc}") from None
    unexpected = sorted(found - ALLOWED_TYPES)
    if unexpected:
        raise ModelError(
            f"refusing to load '{path}': it holds types an acctkit model never contains "
            f"({', '.join(unexpected)}); it may have been tampered with"
        )
    try:
        return sio.load(path, trusted=sorted(found))
    except Exception as exc:
        raise ModelError(f"cannot load '{path}': {exc}") from None
