"""Turning raw cells into typed columns, one column kind at a time.

Each parser takes a raw Series (text from CSV, native values from Parquet / Excel) and
returns the typed Series plus a boolean mask of the cells it could not read. Blank cells
are missing values, never errors here (``validate`` decides whether blank is allowed).
"""

from __future__ import annotations

import difflib
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "1.0", "oui", "vrai", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "0.0", "non", "faux", "f"})
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_THOUSANDS_SPACES_RE2 = r"[\s\x{a0}\x{202f}']"  # the same, in RE2 syntax (pyarrow)
_SPACE_RUNS = re.compile(r"[\s\u00a0\u202f]+")
# The cells ``label`` collapses (RE2 syntax, pyarrow): a run of spaces or one control space,
# NBSP or narrow NBSP; and what it replaces in them: any run of whitespace (Python's ``\s``).
_SPACE_RUNS_RE2 = r"[\s\x{a0}\x{202f}]{2,}|[\t\n\r\f\v\x{a0}\x{202f}]"
_WHITESPACE_RUN_RE2 = (
    r"[\t-\r\x1c-\x20\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}"
    r"\x{205f}\x{3000}]+"
)
_THOUSANDS_COMMA = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_THOUSANDS_DOT = re.compile(r"^[-+]?\d{1,3}(\.\d{3}){2,}(,\d+)?$")
# A currency sign or ISO code before or after an amount ("€1 234,50", "1,234.50 USD"), and
# a trailing percent sign ("50 %"); money is one currency per portfolio (see validate).
_SIGN = "[$€£¥₹₽₩₺₪₫₴₦฿¢]"
_LEADING_CURRENCY = re.compile(rf"^({_SIGN}|[A-Z]{{3}}(?=[\s\d.,+-]))\s*")
_TRAILING_CURRENCY = re.compile(rf"(?<=[\s\d.,])\s*({_SIGN}|[A-Z]{{3}})$")
_MAYBE_CURRENCY_RE2 = r"[$€£¥₹₽₩₺₪₫₴₦฿¢]|[A-Z]{3}"
_PERCENT = re.compile(r"\s*%$")
DAYFIRST_FORMATS = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S")
MONTHFIRST_FORMATS = ("%m/%d/%Y", "%m-%d-%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S")
EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # day 0 of Excel serials after 1900-02-28
EXCEL_LAST_SERIAL = 2_958_465  # 9999-12-31
# No amount, score or duration of a portfolio has more than 15 digits before the decimal
# mark; beyond that a float no longer keeps every digit (and 1e400 is infinite).
LARGEST_NUMBER = 1e15


def fold(value: object) -> str:
    """A value as compared with mapping keys: trimmed, inner spaces collapsed, any case."""
    return _SPACE_RUNS.sub(" ", str(value)).strip().casefold()


def snake(value: object) -> str:
    """``fold`` written as a canonical value: ``'Closed  Won '`` -> ``'closed_won'``."""
    return re.sub(r"[\s\-]+", "_", fold(value))


def did_you_mean(name: str, candidates) -> str:
    """`` (did you mean 'x'?)`` for the candidate equal to ``name`` case and spaces aside,
    else the closest one by spelling; empty when none is close."""
    candidates = [str(c) for c in candidates]
    same = [c for c in candidates if fold(c) == fold(name) and c != name]
    close = same or difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def text(raw: pd.Series) -> pd.Series:
    """Cells as stripped strings; blank cells become NaN. Integral floats lose their ``.0``."""
    dictionary = coded(raw)
    if dictionary is not None:  # each distinct cell read once, then spread over the rows
        distinct, codes = dictionary
        return _decoded(text(distinct), codes, raw)
    strings = arrow_strings(raw)
    if strings is not None:  # CSV cells, Parquet text: whole-column Arrow kernels
        return _as_series(_trimmed(strings), raw)
    values = raw
    if pd.api.types.is_float_dtype(values) or values.dtype == object:
        values = values.map(_integral_float_to_int, na_action="ignore")
    missing = values.isna()
    out = values.astype(str).where(~missing).str.strip()
    return out.where(out != "")


def label(raw: pd.Series) -> pd.Series:
    """``text`` with runs of spaces inside a value collapsed: ids and short labels.

    ``'Fleet  Manager'`` and ``'Fleet Manager'`` are the same product, and an account name
    used as an id matches across files however each export spaced it.
    """
    dictionary = coded(raw)
    if dictionary is not None:  # each distinct cell labelled once
        distinct, codes = dictionary
        return _decoded(label(distinct), codes, raw)
    values = text(raw)
    strings = arrow_strings(values)
    if not _may_hold_whitespace(strings):
        return values
    needs = pc.match_substring_regex(strings, _SPACE_RUNS_RE2).fill_null(False)
    if not pc.any(needs).as_py():
        return values
    collapsed = pc.replace_substring_regex(strings, _WHITESPACE_RUN_RE2, " ")
    return _as_series(pc.if_else(needs, collapsed, strings), values)


def coded(raw: pd.Series) -> tuple[pd.Series, np.ndarray] | None:
    """A dictionary-coded column (a Categorical: Parquet's dictionary pages read as they
    are) as its distinct cells and each row's code (-1: blank); None for any other column."""
    if not isinstance(raw.dtype, pd.CategoricalDtype):
        return None
    return pd.Series(raw.cat.categories), raw.cat.codes.to_numpy()


def spread(per_code: np.ndarray, codes: np.ndarray, blank) -> np.ndarray:
    """``per_code`` (one value per distinct cell) at each row's code; ``blank`` at -1.

    The table is looked up at ``codes + 1`` (``blank`` first): indices that are never
    negative, as unsigned bytes when the codes are bytes (pandas keeps headroom in a
    code's type, so ``+ 1`` cannot overflow), which is twice as quick as the codes as
    they are."""
    table = np.concatenate([np.asarray([blank], dtype=per_code.dtype), per_code])
    shifted = codes + codes.dtype.type(1)
    return table.take(shifted.view(np.uint8) if shifted.dtype == np.int8 else shifted)


def _decoded(distinct: pd.Series, codes: np.ndarray, like: pd.Series) -> pd.Series:
    """Text cells, one per code, at each row's code (-1: blank): the column spelled out."""
    strings = arrow_strings(distinct)
    if strings is None:
        strings = pa.chunked_array([pa.array(distinct, type=pa.string(), from_pandas=True)])
    return _as_series(strings.take(pa.array(codes, mask=codes < 0)), like)


def coded_label(raw: pd.Series) -> pd.Series:
    """``label`` of a dictionary-coded column, kept coded: each distinct cell is labelled
    once, and cells that label alike (``' W1'`` and ``'W1'``) share a code."""
    distinct, codes = coded(raw)
    labelled = label(distinct)
    if labelled.notna().all() and labelled.equals(distinct):  # written as labels already
        return raw
    merged, labels = pd.factorize(labelled)  # a blank label: -1
    if not np.array_equal(merged, np.arange(len(distinct))):  # some merged or blank
        codes = spread(merged, codes, -1)
    categories = pd.Categorical.from_codes(codes, labels, validate=False)
    return pd.Series(categories, index=raw.index, name=raw.name)


def enum_codes(raw: pd.Series, choices: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Each enum cell's position among ``choices`` (-1: blank or unknown) and where the
    cells are blank; a dictionary-coded column is read once per distinct cell."""
    dictionary = coded(raw)
    values = enum(raw if dictionary is None else dictionary[0])
    found = positions(values, pd.Index(choices))
    blank = values.isna().to_numpy()
    if dictionary is None:
        return found, blank
    codes = dictionary[1]
    blank = spread(blank, codes, True) if blank.any() else codes < 0
    return spread(found, codes, -1), blank


def arrow_strings(values: pd.Series) -> pa.ChunkedArray | None:
    """The Arrow array behind a text column (no copy), None when it is not Arrow text."""
    dtype = values.dtype
    arrow_text = isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"
    if not arrow_text and isinstance(dtype, pd.ArrowDtype):
        arrow_text = pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(
            dtype.pyarrow_dtype
        )
    return pa.chunked_array(values.array.__arrow_array__()) if arrow_text else None


def _as_series(strings: pa.ChunkedArray, like: pd.Series) -> pd.Series:
    return pd.Series(pd.array(strings, dtype="str"), index=like.index, name=like.name)


def _trimmed(strings: pa.ChunkedArray) -> pa.ChunkedArray:
    """Cells without surrounding whitespace; empty ones null. Ids and codes hold no space at
    all: a look at their bytes saves the trimming (and keeps the file's buffers)."""
    if _may_hold_whitespace(strings):
        strings = pc.utf8_trim_whitespace(strings)
    empty = pc.equal(pc.binary_length(strings), 0)
    if pc.any(empty).as_py():
        strings = pc.if_else(empty, pa.scalar(None, strings.type), strings)
    return strings


def _any_byte_outside(strings: pa.ChunkedArray, low: int, high: int) -> bool:
    """Whether a byte of the text lies outside ``low``..``high``: the smallest and largest
    bytes of all the cells at once (many times faster than a regex over millions of ids).
    A byte of another character (a false alarm) only costs the exact test."""
    for chunk in strings.chunks:
        if len(chunk) == 0 or chunk.null_count == len(chunk):
            continue
        _, offsets, data = chunk.buffers()
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        ends = np.frombuffer(offsets, dtype=width)[[chunk.offset, chunk.offset + len(chunk)]]
        data = np.frombuffer(data[int(ends[0]) : int(ends[1])], dtype=np.uint8)
        if len(data) and (data.min() < low or data.max() > high):
            return True
    return False


def _may_hold_whitespace(strings: pa.ChunkedArray) -> bool:
    """Whitespace is an ASCII control or space (up to 0x20), or a character whose UTF-8
    lead byte is 0xc2 (U+0085, U+00A0) or above (U+1680, U+2000-U+205F, U+3000)."""
    return _any_byte_outside(strings, 0x21, 0xC1)


def _matches(strings: pd.Series | pa.Array | pa.ChunkedArray, re2_pattern: str) -> np.ndarray:
    """Where text cells match a pattern, vectorised in Arrow (pandas' ``str.contains`` is
    several times slower on millions of ids)."""
    if isinstance(strings, pd.Series):
        strings = pa.array(strings, from_pandas=True)
    found = pc.match_substring_regex(strings, re2_pattern)
    return np.asarray(found.fill_null(False), dtype=bool)


def has_duplicates(values: pd.Series) -> bool:
    """Whether a value appears twice (blanks aside). Ids in increasing order, as exports
    often list them, are told apart by one comparison of neighbours; others are hashed."""
    strings = arrow_strings(values)
    if strings is None:
        return bool(values.dropna().duplicated().any())
    strings = strings.drop_null()
    if len(strings) < 2:
        return False
    if pc.all(pc.less(strings[:-1], strings[1:])).as_py():
        return False
    return len(pc.unique(strings)) < len(strings)


def repeated(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Rows whose values in ``columns`` (none blank) appear in another row as well.

    Each column is factorized and the codes are combined into one integer per row; one sort
    tells whether any key repeats (most tables: none), and the rows are only marked when
    some do. Too many distinct combinations for one integer: pandas' own row hashing.
    """
    key = np.zeros(len(frame), dtype=np.int64)
    blank = np.zeros(len(frame), dtype=bool)
    combinations = 1
    for name in columns:
        codes, distinct = pd.factorize(frame[name])
        width = max(len(distinct), 1)
        combinations *= width
        if combinations >= 2**62:
            return (
                frame.duplicated(columns, keep=False) & frame[columns].notna().all(axis=1)
            ).to_numpy()
        blank |= codes < 0
        key *= width
        key += codes
    known = key[~blank] if blank.any() else key
    ordered = np.sort(known)
    out = np.zeros(len(frame), dtype=bool)
    if len(ordered) > 1 and (ordered[1:] == ordered[:-1]).any():
        out[~blank] = pd.Series(known).duplicated(keep=False).to_numpy()
    return out


def positions(values: pd.Series, keys: pd.Index) -> np.ndarray:
    """The position of each value among ``keys`` (unique, no blank); -1 where a value is
    blank or not among them. A hash join in Arrow for text, ``get_indexer`` otherwise; a
    dictionary-coded column joins its distinct values only."""
    dictionary = coded(values)
    if dictionary is not None:
        distinct, codes = dictionary
        return spread(positions(distinct, keys), codes, -1)
    strings = arrow_strings(values)
    if strings is None or arrow_strings(keys.to_series()) is None:
        return keys.get_indexer(values)
    found = pc.index_in(strings, value_set=arrow_strings(keys.to_series()).combine_chunks())
    return found.fill_null(-1).to_numpy()


def _integral_float_to_int(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def is_blank(raw: pd.Series) -> pd.Series:
    """True where a cell is empty or only whitespace."""
    if arrow_strings(raw) is not None:
        return text(raw).isna()
    if raw.dtype == object or pd.api.types.is_string_dtype(raw):
        return raw.isna() | (raw.astype(str).str.strip() == "")
    return raw.isna()


def number(raw: pd.Series, decimal: str = ".") -> tuple[pd.Series, pd.Series]:
    """Floats from numbers or text with ``.``/``,`` decimal marks and thousands separators."""
    if pd.api.types.is_bool_dtype(raw):
        return raw.astype("float64"), pd.Series(False, index=raw.index)
    if pd.api.types.is_numeric_dtype(raw):
        values = raw.astype("float64")
        floats = values.to_numpy()
        if not len(floats) or (
            -LARGEST_NUMBER < np.fmin.reduce(floats) and np.fmax.reduce(floats) < LARGEST_NUMBER
        ):  # no inf, no huge value (NaN extremes, every value blank: the masks below)
            return values, pd.Series(False, index=raw.index)
        bad = ~(values.abs() < LARGEST_NUMBER) & values.notna()  # inf and huge values
        return values.where(~bad), bad
    strings = text(raw)
    blank = strings.isna()
    fast = _to_numeric(strings, decimal)
    slow = fast.isna() & ~blank
    if slow.any():  # thousands written with spaces ('1 234,50'): still vectorised
        fast.loc[slow] = _to_numeric(_without_spaces(strings[slow]), decimal)
        slow = fast.isna() & ~blank
    if slow.any():  # the rest, cell by cell: '1.234,50', '$1,234.50', '50 %'
        fast.loc[slow] = strings[slow].map(lambda v: _parse_number(v, decimal))
    values = fast.astype("float64")
    bad = values.isna() & ~blank
    bad |= ~(values.fillna(0.0).abs() < LARGEST_NUMBER)
    return values.where(~bad), bad


def too_large(raw: pd.Series, bad: pd.Series, decimal: str = ".") -> pd.Series:
    """Among the cells ``number`` could not read (``bad``), those that are numbers too large
    to keep (``1e400``, ``99999999999999999999999``): told apart for the message."""
    out = pd.Series(False, index=raw.index)
    if not bad.any():
        return out
    cells = raw[bad]
    if pd.api.types.is_numeric_dtype(cells) and not pd.api.types.is_bool_dtype(cells):
        sizes = cells.astype("float64").abs()
    else:
        sizes = text(cells).map(lambda v: abs(_parse_number(v, decimal)), na_action="ignore")
    out[bad] = (sizes.astype("float64") >= LARGEST_NUMBER).to_numpy()
    return out


def _to_numeric(strings: pd.Series, decimal: str) -> pd.Series:
    if decimal != ".":
        strings = strings.str.replace(decimal, ".", regex=False)
    arrow = arrow_strings(strings)
    if arrow is not None:
        try:  # every cell a plain number: Arrow reads them as pandas would, without objects
            return pd.Series(pc.cast(arrow, pa.float64()).to_numpy(), index=strings.index)
        except pa.ArrowInvalid:
            pass
    return pd.to_numeric(strings, errors="coerce")


def _without_spaces(strings: pd.Series) -> pd.Series:
    """Cells without their spaces and apostrophes (thousands separators), in Arrow."""
    compact = pc.replace_substring_regex(
        pa.array(strings, from_pandas=True), _THOUSANDS_SPACES_RE2, ""
    )
    return compact.to_pandas().set_axis(strings.index)


def currencies(raw: pd.Series) -> list[str]:
    """The distinct currency signs or codes written in a column's text cells."""
    if pd.api.types.is_numeric_dtype(raw) or pd.api.types.is_bool_dtype(raw):
        return []
    strings = text(raw)
    arrow = arrow_strings(strings)
    # A sign ('$' or above 0x7f) or a code (capitals) outside digits and marks: maybe.
    if arrow is not None and not _any_byte_outside(arrow, ord("%"), ord("@")):
        return []
    candidates = pd.unique(strings[_matches(strings, _MAYBE_CURRENCY_RE2)])
    found = set()
    for value in candidates:
        value = _PERCENT.sub("", value.strip())
        for pattern in (_LEADING_CURRENCY, _TRAILING_CURRENCY):
            match = pattern.search(value)
            if match:
                found.add(match.group(1))
    return sorted(found)


def _parse_number(value: str, decimal: str) -> float:
    value = _PERCENT.sub("", value.strip())
    value = _TRAILING_CURRENCY.sub("", _LEADING_CURRENCY.sub("", value))
    cleaned = _SPACES.sub("", value)
    if "," in cleaned and "." in cleaned:
        mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if mark == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(mark, ".")
    elif "," in cleaned:
        if decimal == "." and _THOUSANDS_COMMA.match(cleaned):
            cleaned = cleaned.replace(",", "")
        else:
            cleaned = cleaned.replace(",", ".")
    elif _THOUSANDS_DOT.match(cleaned):
        cleaned = cleaned.replace(".", "")
    try:
        return float(cleaned)
    except ValueError:
        return np.nan


def integer(raw: pd.Series, decimal: str = ".") -> tuple[pd.Series, pd.Series]:
    """Whole numbers (``3`` or ``3.0``) as nullable Int64; ``3.5`` is unreadable."""
    if pd.api.types.is_integer_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        return raw.astype("Int64"), pd.Series(False, index=raw.index)  # Parquet integers
    values, bad = number(raw, decimal)
    array = values.to_numpy(dtype="float64", na_value=np.nan)
    fractional = np.isinf(array) | (np.isfinite(array) & (np.floor(array) != array))
    bad = bad | pd.Series(fractional, index=values.index)
    return values.where(~bad).astype("Int64"), bad


def boolean(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """true/false, yes/no, 1/0, oui/non (any case); blank is False."""
    if pd.api.types.is_bool_dtype(raw) and not raw.isna().any():
        return raw.astype(bool), pd.Series(False, index=raw.index)
    if isinstance(raw.dtype, pd.BooleanDtype) or (
        raw.dtype == object and pd.api.types.infer_dtype(raw, skipna=True) == "boolean"
    ):  # Parquet's flags with blanks: True / False / None, nothing to read as text
        return raw.fillna(False).astype(bool), pd.Series(False, index=raw.index)
    words = text(raw).str.lower()
    truthy = words.isin(TRUE_WORDS)
    falsy = words.isin(FALSE_WORDS) | words.isna()
    return truthy.astype(bool), ~(truthy | falsy)


def date(
    raw: pd.Series, order: str = "iso", *, serial: bool = False
) -> tuple[pd.Series, pd.Series]:
    """Calendar dates (time of day dropped).

    ISO ``YYYY-MM-DD`` always parses; ``order="dmy"`` adds ``DD/MM/YYYY`` (French and most
    European exports), ``order="mdy"`` adds ``MM/DD/YYYY`` (US exports). ``serial``: numbers
    are Excel date serials (a workbook cell that lost its date format).

    The values keep the resolution pandas parsed them at (so year 2999 does not overflow);
    ``validate`` checks the range, then casts to ``datetime64[ns]``.
    """
    if pd.api.types.is_datetime64_any_dtype(raw):
        values = raw.dt.tz_localize(None) if getattr(raw.dt, "tz", None) else raw
        return _midnight(values), pd.Series(False, index=raw.index)
    blank = is_blank(raw)
    native = raw
    if raw.dtype == object:
        if raw.map(lambda v: hasattr(v, "year"), na_action="ignore").any():
            native = raw.map(
                lambda v: pd.Timestamp(v) if hasattr(v, "year") else v, na_action="ignore"
            )
        if serial:
            native = native.map(_serial_to_timestamp, na_action="ignore")
    if native.dtype == object:  # text columns (CSV) hold no timestamps: no per-cell map
        native = native.map(_timestamp_to_iso, na_action="ignore")
    strings = text(native)
    # The formats cannot read each other's dates, so their order is only speed: the file's
    # own format first, so that most cells are read in the first (vectorised) pass.
    extra = {"dmy": DAYFIRST_FORMATS, "mdy": MONTHFIRST_FORMATS}.get(order, ())
    formats = (*extra[:1], "%Y-%m-%d", "ISO8601", *extra[1:])
    for fmt in formats[:2]:
        every = _every_date_in_arrow(strings, fmt)
        if every is not None:
            return every, pd.Series(False, index=raw.index)
    values = pd.to_datetime(strings, format=formats[0], errors="coerce")
    todo = values.isna() & strings.notna()
    for fmt in formats[1:]:
        if not todo.any():
            break
        values.loc[todo] = pd.to_datetime(strings[todo], format=fmt, errors="coerce")
        todo = values.isna() & strings.notna()
    return values.dt.normalize(), todo & ~blank


def _midnight(values: pd.Series) -> pd.Series:
    """Timestamps without their time of day; a column of plain dates (Parquet, databases)
    is returned as it is, found so by one integer pass."""
    ticks = values.to_numpy().view("int64")
    per_day = np.timedelta64(1, "D") // np.timedelta64(1, np.datetime_data(values.dtype)[0])
    times = ticks % per_day
    if values.hasnans:  # NaT is the smallest integer, not a midnight
        times = times[ticks != np.iinfo(np.int64).min]
    return values.dt.normalize() if times.any() else values


def _every_date_in_arrow(strings: pd.Series, fmt: str) -> pd.Series | None:
    """The dates when Arrow reads every cell in ``fmt`` exactly as pandas would (a column
    written in one format: the common case, and many times faster); None otherwise."""
    arrow = arrow_strings(strings)
    if arrow is None:
        return None
    try:
        if fmt == "%Y-%m-%d":  # Arrow's strict ISO date cast refuses 2026-02-30 as pandas
            days = pc.cast(arrow, pa.date32())
        else:  # strptime rolls 31/02 over to March: keep it only when it writes back the same
            days = pc.strptime(arrow, format=fmt, unit="s", error_is_null=True)
            same = pc.equal(pc.strftime(days, format=fmt), arrow).fill_null(False)
            if not pc.all(pc.or_(same, pc.is_null(arrow))).as_py():
                return None
    except pa.ArrowInvalid:
        return None
    seconds = pc.cast(days, pa.timestamp("s")).to_numpy()
    return pd.Series(seconds, index=strings.index)


def _serial_to_timestamp(value):
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        if 0 < value <= EXCEL_LAST_SERIAL:
            return EXCEL_EPOCH + pd.Timedelta(days=int(value))
    return value


def _timestamp_to_iso(value):
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return value


def enum(raw: pd.Series) -> pd.Series:
    """Enum cells as stripped strings (membership is checked by ``validate``)."""
    return text(raw)
