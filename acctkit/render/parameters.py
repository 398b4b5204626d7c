"""Parameters of a review notebook, checked before any kernel starts.

:func:`check_parameters` compares the values a caller passes with the notebook's
``parameters`` cell (names, plain JSON values, declared types), so that a bad value fails
with one clear message instead of inside a running kernel.
"""

from __future__ import annotations

import ast
import math
import os
from collections.abc import Mapping
from pathlib import Path

import papermill

from acctkit.errors import FailureKind, RenderError

_TYPES_BY_NAME = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "list": (list,),
    "List": (list,),
    "dict": (dict,),
    "Dict": (dict,),
}


def check_parameters(
    notebook: str | os.PathLike, parameters: Mapping[str, object], *, label: str | None = None
) -> dict[str, object]:
    """Check parameters against the notebook's ``parameters`` cell, before any kernel starts.

    Every name must be declared in the cell (as :func:`papermill.inspect_notebook` reads
    it); every value must be plain JSON (str, int, float, bool, None, list, dict) of the
    declared type: the annotation (``account_id: str = "A1"``), else the default's type.
    ``Optional[...]`` allows None; a float parameter accepts an int; a default of None or an
    unknown annotation accepts any plain JSON value.

    Parameters
    ----------
    notebook : path
        The notebook to run.
    parameters : mapping
        Parameter names and values, e.g. ``{"account_id": "007"}``.
    label : str, optional
        Put at the start of the error message (e.g. the account id).

    Returns
    -------
    dict
        The parameters, as a new dict.

    Raises
    ------
    RenderError
        ``kind=FailureKind.INVALID_ARGUMENTS``, listing every problem at once.
    """
    declared = papermill.inspect_notebook(papermill_path(notebook))
    problems = [_parameter_problem(name, value, declared) for name, value in parameters.items()]
    problems = [problem for problem in problems if problem]
    if problems:
        names = ", ".join(declared) or "none"
        message = (
            f"{Path(notebook).name}: invalid parameters: {'; '.join(problems)} "
            f"(declared parameters: {names})"
        )
        raise RenderError(labelled(message, label), kind=FailureKind.INVALID_ARGUMENTS, label=label)
    return dict(parameters)


def _parameter_problem(name: object, value: object, declared: Mapping[str, dict]) -> str | None:
    if name not in declared:
        return f"unknown parameter {name!r}"
    if not _is_plain_json(value):
        return (
            f"{name!r} must be a string, number, boolean, None, list or dict, "
            f"not {type(value).__name__}"
        )
    allowed = _declared_types(declared[name])
    if allowed is None or type(value) in allowed:
        return None
    expected = " or ".join("None" if t is type(None) else t.__name__ for t in allowed)
    return f"{name!r} must be {expected}, not {type(value).__name__} {value!r}"


def _is_plain_json(value: object) -> bool:
    kind = type(value)
    if value is None or kind in (str, int, bool):
        return True
    if kind is float:
        return math.isfinite(value)
    if kind is list:
        return all(_is_plain_json(item) for item in value)
    if kind is dict:
        return all(type(key) is str and _is_plain_json(item) for key, item in value.items())
    return False


def _declared_types(parameter: Mapping[str, str]) -> tuple[type, ...] | None:
    """Types a parameter accepts, from its annotation or default; None when unknown."""
    annotation = parameter["inferred_type_name"].replace(" ", "")
    if annotation != "None":
        return _annotation_types(annotation)
    try:
        default = ast.literal_eval(parameter["default"])
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return None if default is None else _TYPES_BY_NAME.get(type(default).__name__)


def _annotation_types(annotation: str) -> tuple[type, ...] | None:
    optional = annotation.startswith("Optional[") and annotation.endswith("]")
    if optional:
        annotation = annotation[len("Optional[") : -1]
    types = _TYPES_BY_NAME.get(annotation.split("[", 1)[0])
    if types is None:
        return None
    return (*types, type(None)) if optional else types


def papermill_path(path: str | os.PathLike) -> str:
    """A local path for papermill, which runs str.format on it: braces are doubled."""
    return str(path).replace("{", "{{").replace("}", "}}")


def positive_int(value: object) -> bool:
    """True for a whole number above zero (not a bool, float or string)."""
    return type(value) is int and value > 0


def labelled(message: str, label: str | None) -> str:
    return f"{label}: {message}" if label else message
