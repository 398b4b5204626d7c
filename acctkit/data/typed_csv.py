"""An optimistic typed read of a clean CSV: numbers, dates and flags parsed by Arrow's CSV
reader in one multi-core pass, instead of read as text and parsed column by column.

Only for a file that is plainly regular: a one-line header of distinct names, no blank
row, numbers without thousands separators or spaces, ISO dates, true/false flags, every
record with the header's cell count. Anything else makes Arrow refuse the file (or this
module decline it) and the caller reads it as text, as before. A table read this way
whose validation then finds a problem is read again as text (``RawTable.as_text``), so
that every message quotes the cells as written: the fast path never changes a result or
a message, it only skips the work a clean file does not need.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa

# The column kinds Arrow parses at read time (any other column is read as text).
ARROW_TYPES = {"float": pa.float64(), "int": pa.int64(), "date": pa.date32(), "bool": pa.bool_()}
# The flag words Arrow reads; validation accepts more (yes/no, oui/non...): a file using
# them is read as text.
TRUE_WORDS = ["true", "True", "TRUE", "1"]
FALSE_WORDS = ["false", "False", "FALSE", "0"]
TEXT = pa.large_string()
CODED = pa.dictionary(pa.int32(), TEXT)
_PANDAS_TYPES = {pa.bool_(): pd.BooleanDtype(), pa.int64(): pd.Int64Dtype()}


def read_typed(
    utf8: bytes,
    separator: str,
    kinds: Mapping[str, str],
    *,
    quoted: bool,
    coded: Collection[str] = (),
) -> pd.DataFrame | None:
    """The file's columns, typed where ``kinds`` (column name -> schema kind) says a number,
    a date or a flag, text elsewhere (dictionary-coded text, a Categorical, for the ``coded``
    columns: values that repeat); None when the file is not plainly regular."""
    import pyarrow.csv as pa_csv

    header = _header(utf8, separator)
    if header is None or not any(kinds.get(name) in ARROW_TYPES for name in header):
        return None
    # Ids stay plain text even when they repeat (each row's account): Arrow's CSV reader
    # gives every block of rows its own dictionary, and merging thousands of distinct ids
    # over the blocks costs more than parsing each id (measured: 120 ms against 55 ms for
    # the assessments at 10,000 accounts). Enums and labels have few values in all.
    types = {
        f"f{i}": ARROW_TYPES.get(
            kinds.get(name, "str"),
            CODED if name in coded and kinds.get(name) != "id" else TEXT,
        )
        for i, name in enumerate(header)
    }
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(utf8),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True, skip_rows=1),
            parse_options=pa_csv.ParseOptions(
                delimiter=separator, newlines_in_values=quoted, ignore_empty_lines=False
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=types,
                null_values=[""],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                true_values=TRUE_WORDS,
                false_values=FALSE_WORDS,
                decimal_point="," if separator == ";" else ".",
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows == 0 or table.num_columns != len(header) or _has_blank_row(table):
        return None
    if any(_odd_number(column) for column in table.columns):
        return None
    if quoted and _ends_in_open_quote(table.column(table.num_columns - 1)):
        return None
    return pd.DataFrame(  # copy=False: each column stays its own array (no block stacking)
        {name: _as_pandas(column) for name, column in zip(header, table.columns, strict=True)},
        index=pd.RangeIndex(table.num_rows),
        copy=False,
    )


def _header(utf8: bytes, separator: str) -> list[str] | None:
    """The header's names when it is one plain line of distinct, non-blank names."""
    end = utf8.find(b"\n")
    if end < 0:
        return None
    try:
        line = utf8[:end].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return None
    if '"' in line:  # a quoted name may hold a separator or a line break: read as text
        return None
    names = [name.strip() for name in next(csv.reader([line], delimiter=separator))]
    if not all(names) or len(set(names)) < len(names):
        return None
    return names


def _has_blank_row(table: pa.Table) -> bool:
    """A row whose first cell is blank may be a blank row (read as text, which skips it)."""
    from acctkit.data.parse import is_blank

    first = table.column(0)
    if first.type in (TEXT, CODED):
        return bool(is_blank(_as_pandas(first)).any())
    return first.null_count > 0


def _odd_number(column: pa.ChunkedArray) -> bool:
    """'nan' and 'inf' are numbers to Arrow, not to validation: such a file is read as text."""
    if not pa.types.is_floating(column.type):
        return False
    values = column.to_numpy()
    return bool(np.any(~np.isfinite(values) & ~np.isnan(values))) or bool(
        np.isnan(values).sum() > column.null_count
    )


def _ends_in_open_quote(last: pa.ChunkedArray) -> bool:
    """A quote never closed takes the file's last line break into its value (the text read
    says where it starts); a closed one leaves it to end the record."""
    if last.type not in (TEXT, CODED):
        return False
    value = last[-1].as_py()
    return value is not None and value.endswith(("\n", "\r"))


def _as_pandas(column: pa.ChunkedArray) -> pd.Series:
    if column.type == TEXT:
        return pd.Series(pd.array(column, dtype="str"))
    if column.type == CODED:
        return pd.Series(column.to_pandas())  # a Categorical of the distinct texts
    if pa.types.is_date32(column.type):
        return pd.Series(column.to_pandas(date_as_object=False))
    return pd.Series(column.to_pandas(types_mapper=_PANDAS_TYPES.get))
