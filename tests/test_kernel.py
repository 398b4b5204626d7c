"""The warm engine's kernel reset, and the start-up of acctkit's own processes."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from acctkit.batch.kernel import KernelSession


def _notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def _printed(notebook: nbformat.NotebookNode) -> dict:
    """The JSON the last cell printed."""
    (output,) = [o for o in notebook.cells[-1].outputs if o.get("name") == "stdout"]
    return json.loads(output["text"])


# What a report might leave behind: names, matplotlib and pandas settings, warning filters,
# environment, import path, working folder, a cached acctkit function.
_DIRTY = """
import os, sys, warnings, functools
import matplotlib, pandas
from acctkit import i18n
left_behind = 1
matplotlib.rcParams["lines.linewidth"] = 9.5
pandas.set_option("display.max_rows", 3)
warnings.simplefilter("error")
os.environ["ACCTKIT_LEFT_BEHIND"] = "1"
sys.path.append("/left/behind")
os.chdir("/")
i18n.labels("fr")
"""

_CHECK = """
import gc, json, os, sys, warnings
import matplotlib, pandas
from acctkit import i18n
print(json.dumps({
    "names": "left_behind" in globals(),
    "linewidth": matplotlib.rcParams["lines.linewidth"],
    "max_rows": pandas.get_option("display.max_rows"),
    "first_filter": repr(warnings.filters[0]),
    "environ": "ACCTKIT_LEFT_BEHIND" in os.environ,
    "path": "/left/behind" in sys.path,
    "cwd": os.getcwd(),
    "labels_cached": i18n.labels.cache_info().currsize,
    "frozen": gc.get_freeze_count(),
}))
"""


@pytest.fixture
def session(tmp_path):
    session = KernelSession(cwd=tmp_path, start_timeout=60)
    session.start(snapshot=True)
    yield session
    session.stop()


def test_a_reset_kernel_has_nothing_left_of_the_previous_report(session, tmp_path):
    first = session.execute(_notebook(_CHECK), timeout=60)
    before = _printed(first)
    assert before["frozen"] == 0  # nothing frozen before the first reset

    session.execute(_notebook(_DIRTY), timeout=60)
    folder = tmp_path / "next"
    folder.mkdir()
    session.reset(folder)
    after = _printed(session.execute(_notebook(_CHECK), timeout=60))

    assert after["names"] is False
    assert after["linewidth"] == before["linewidth"] == 1.5  # matplotlib's default
    assert after["max_rows"] == 60  # pandas' default
    assert after["first_filter"] == before["first_filter"]
    assert after["environ"] is False
    assert after["path"] is False
    assert after["cwd"] == str(folder)
    assert after["labels_cached"] == 0  # acctkit's caches are emptied
    # What survived the first reset (imported modules) is out of the collector's reach.
    assert after["frozen"] > 10_000


def test_the_acctkit_command_skips_the_iri_grammars_and_still_validates_notebooks():
    code = (
        "import sys\n"
        "from acctkit.batch.startup import skip_iri_grammars\n"
        "skip_iri_grammars()\n"
        "import nbformat\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
        "nbformat.validate(nb)\n"
        "bad = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
        "bad.cells[0].outputs = 'not a list'\n"
        "try:\n"
        "    nbformat.validate(bad)\n"
        "except nbformat.ValidationError:\n"
        "    print('invalid refused')\n"
        "print(sys.modules['rfc3987_syntax'] is None)\n"
    )
    assert _python(code).split() == ["invalid", "refused", "True"]


def test_skipping_the_iri_grammars_is_too_late_once_jsonschema_is_loaded():
    code = (
        "import sys, jsonschema\n"
        "from acctkit.batch.startup import skip_iri_grammars\n"
        "before = sys.modules.get('rfc3987_syntax')\n"
        "skip_iri_grammars()\n"
        "print(sys.modules.get('rfc3987_syntax') is before)\n"
    )
    assert _python(code).strip() == "True"


def _python(code: str) -> str:
    """What a new Python process running ``code`` prints."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout
