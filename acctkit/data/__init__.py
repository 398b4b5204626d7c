"""Files -> Portfolio: reading, parsing and validating the input tables (canonical files or a
CRM export through a mapping)."""

from acctkit.data.init_mapping import StarterMapping, propose_mapping, write_starter_mapping
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
    "StarterMapping",
    "from_frames",
    "load_portfolio",
    "load_with_notes",
    "propose_mapping",
    "read_mapping",
    "write_starter_mapping",
]
