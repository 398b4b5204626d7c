"""Files -> Portfolio: reading, parsing and validating the input tables."""

from acctkit.data.load import from_frames, load_portfolio
from acctkit.data.portfolio import TABLE_NAMES, Portfolio
from acctkit.data.schema import SCHEMA

__all__ = ["Portfolio", "SCHEMA", "TABLE_NAMES", "from_frames", "load_portfolio"]
