"""Files -> Portfolio: reading, parsing and validating the input tables."""

from acctkit.data.load import LoadNote, LoadResult, from_frames, load_portfolio, load_with_notes
from acctkit.data.mapping import Mapping, read_mapping
from acctkit.data.portfolio import TABLE_NAMES, Portfolio
from acctkit.data.schema import SCHEMA

__all__ = [
    "SCHEMA",
    "TABLE_NAMES",
    "LoadNote",
    "LoadResult",
    "Mapping",
    "Portfolio",
    "from_frames",
    "load_portfolio",
    "load_with_notes",
    "read_mapping",
]
