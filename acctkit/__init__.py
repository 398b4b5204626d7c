"""acctkit: key-account plan KPIs, early-warning risk and review reports."""
__version__ = "0.1.0"
