"""Audit the installed dependencies for known vulnerabilities: the audit step of ``make lint``.

Runs pip-audit on this environment, without acctkit itself (installed editable), and says
plainly which of these happened, because pip-audit's own summary does not:

- every package was checked and none has a known vulnerability: exit 0;
- some packages have known vulnerabilities: each is listed with its fix, exit 1;
- the audit could not be done, or only in part: the vulnerability service could not be
  reached, or did not answer for some packages. pip-audit then either stops with a
  traceback (OSV unreachable) or prints "No known vulnerabilities found" although it
  checked nothing (PyPI answering "not found" for every package): exit 2, saying so.

Arguments are passed on to pip-audit (``--ignore-vuln ID`` for a finding explained in
docs/security.md, ``-s osv`` for the other service). ``ACCTKIT_AUDIT=off`` skips the audit
and says that it did.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

EDITABLE = "distribution marked as editable"


def main(argv: list[str]) -> int:
    if os.environ.get("ACCTKIT_AUDIT", "").lower() == "off":
        print("dependency audit: SKIPPED (ACCTKIT_AUDIT=off); nothing was checked")
        return 0
    command = [sys.executable, "-m", "pip_audit", "--skip-editable", "--format", "json"]
    command += ["--progress-spinner", "off", *argv]
    run = subprocess.run(command, capture_output=True, text=True)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        reason = (run.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"dependency audit: NOT DONE: pip-audit could not complete: {reason[:300]}")
        print("  (is the vulnerability service reachable? see docs/security.md)")
        return 2

    packages = report["dependencies"]
    unchecked = [p for p in packages if p.get("skip_reason", EDITABLE) != EDITABLE]
    checked = [p for p in packages if "skip_reason" not in p]
    vulnerable = [p for p in checked if p.get("vulns")]
    for package in vulnerable:
        for vuln in package["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed release"
            aliases = ", ".join(vuln.get("aliases", []))
            print(f"  {package['name']} {package['version']}: {vuln['id']}", end="")
            print(f" ({aliases})" if aliases else "", f"fixed in: {fixes}")
    if vulnerable:
        count = sum(len(p["vulns"]) for p in vulnerable)
        print(f"dependency audit: {count} known vulnerabilities in {len(vulnerable)} packages")
    if unchecked:
        print(
            f"dependency audit: NOT DONE for {len(unchecked)} of {len(unchecked) + len(checked)}"
            " packages: the vulnerability service gave no answer for them, e.g."
        )
        print(f"  {unchecked[0]['skip_reason']}")
        print("  pip-audit counts such packages as clean; they were not checked.")
        print("  (no network to the service? see docs/security.md)")
        return 2
    if vulnerable:
        return 1
    print(f"dependency audit: clean: {len(checked)} packages checked, no known vulnerability")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
