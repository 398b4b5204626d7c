"""Per-group reductions of (row, date) matrices: the "group-by" of the date grid.

Entity tables (contacts, opportunities) are evaluated as boolean or numeric matrices of
shape (rows, dates): "is this contact active at each date", "amount of this opportunity if
open at each date". :class:`Groups` sorts the rows by group once and reduces every such
matrix per group with one ``ufunc.reduceat`` call, giving a (groups, dates) matrix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


class Groups:
    """Rows assigned to groups ``0 .. n_groups - 1`` (rows with a negative group are ignored).

    Examples
    --------
    >>> g = Groups(np.array([1, 0, 1]), 3)
    >>> g.sum(np.array([[1.0], [2.0], [4.0]])).ravel().tolist()
    [2.0, 5.0, 0.0]
    """

    def __init__(self, groups: np.ndarray, n_groups: int):
        groups = np.asarray(groups, dtype=np.int64)
        kept = np.flatnonzero(groups >= 0)
        order = kept[np.argsort(groups[kept], kind="stable")]
        bounds = np.searchsorted(groups[order], np.arange(n_groups + 1))
        self.n_groups = n_groups
        self.order = order
        self.in_order = len(order) == len(groups) and bool(np.all(order[1:] > order[:-1]))
        self.filled = np.diff(bounds) > 0
        self.first = bounds[:-1][self.filled]

    def _sorted(self, matrix: np.ndarray) -> np.ndarray:
        return matrix if self.in_order else matrix[self.order]

    def reduce(self, ufunc: np.ufunc, matrix: np.ndarray, empty: float) -> np.ndarray:
        """``ufunc`` reduced over each group's rows; ``empty`` for a group without rows."""
        matrix = np.asarray(matrix)
        out = np.full(
            (self.n_groups, *matrix.shape[1:]),
            empty,
            dtype=np.result_type(matrix.dtype, np.asarray(empty).dtype),
        )
        if len(self.first):
            out[self.filled] = ufunc.reduceat(self._sorted(matrix), self.first, axis=0)
        return out

    def sum(self, matrix: np.ndarray) -> np.ndarray:
        """Sum per group (booleans count); 0 for a group without rows."""
        matrix = np.asarray(matrix)
        if matrix.dtype == bool:
            matrix = matrix.astype(np.int64)
        return self.reduce(np.add, matrix, 0)

    def any(self, matrix: np.ndarray) -> np.ndarray:
        """Whether any row of the group is true."""
        return self.reduce(np.logical_or, np.asarray(matrix, dtype=bool), False)

    def max(self, matrix: np.ndarray) -> np.ndarray:
        """Maximum per group ignoring NaN; NaN for a group without a value."""
        return self.reduce(np.fmax, np.asarray(matrix, dtype=np.float64), np.nan)


def nan_columns(columns: tuple[str, ...], n_accounts: int, days: np.ndarray) -> dict:
    """All-NaN (accounts, dates) arrays: the columns of a table absent from the portfolio."""
    return {name: np.full((n_accounts, len(days)), np.nan) for name in columns}


def row_positions(ids: pd.Series, reference: pd.Series) -> np.ndarray:
    """Row of ``reference`` (a Categorical column of unique ids) holding each of ``ids``.

    -1 for a blank id or one ``reference`` does not hold. The portfolio gives referencing
    columns the categories of the column they reference, so this is a re-indexing of codes.
    """
    reference_codes = reference.cat.codes.to_numpy(np.int64)
    row_of_code = np.full(len(reference.cat.categories) + 1, -1, dtype=np.int64)
    present = reference_codes >= 0
    row_of_code[reference_codes[present]] = np.flatnonzero(present)
    codes = pd.Categorical(ids, categories=reference.cat.categories).codes.astype(np.int64)
    return row_of_code[codes]
