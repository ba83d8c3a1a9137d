#!/usr/bin/python3
"""Fails when a testpoint of docs/testplan.md has no test.

Every row of the testplan's "Testpoints" table names its tests in backticks in the last column.
A name counts when CTest knows a test it matches: exactly, as a glob (`Cosim.*`,
`sc_cosim_*_random`), with a configuration prefix (`Cosim.Directed` is `small/Cosim.Directed`),
or as a co-simulation binary (`cosim_test_pipe` runs the tests `pipe/...`). A testpoint whose
names match no test is a hole: the script lists every hole and exits 1.

    check_testplan.py <build dir> [docs/testplan.md]
"""

import argparse
import fnmatch
import os
import re
import subprocess
import sys


def ctest_names(build):
    out = subprocess.run(["ctest", "-N"], cwd=build, capture_output=True, text=True,
                         check=True).stdout
    return [m.group(1) for m in re.finditer(r"Test\s+#\d+: (\S+)", out)]


def testpoints(path):
    rows, in_table = [], False
    with open(path) as f:
        for line in f:
            if line.startswith("## "):
                in_table = line.strip() == "## Testpoints"
                continue
            if in_table and line.startswith("|") and not line.startswith("|---"):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                if len(cells) >= 3 and cells[0] != "testpoint":
                    rows.append((cells[0], re.findall(r"`([^`]+)`", cells[-1])))
    return rows


def matches(token, names):
    token = token.split(" ")[0]  # "sc_cosim_* (checks at start)" and the like
    m = re.fullmatch(r"cosim_test_(\w+)", token)
    if m:
        return any(n.startswith(m.group(1) + "/") for n in names)
    for n in names:
        if fnmatch.fnmatchcase(n, token) or fnmatch.fnmatchcase(n, "*/" + token):
            return True
        # gtest names inside one CTest test per case: "Suite.*" matches "Suite.Case".
        if fnmatch.fnmatchcase(n.split("/")[-1], token):
            return True
    return False


def main():
    default_plan = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                 "docs", "testplan.md"))
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Exit status: 0 every testpoint has a test, 1 a hole, 2 "
                                       "bad usage.")
    p.add_argument("build", metavar="BUILD_DIR",
                   help="a configured build tree (its CTest tests are the names that count)")
    p.add_argument("plan", nargs="?", default=default_plan, metavar="TESTPLAN.md",
                   help="the testplan (default: %(default)s)")
    a = p.parse_args()
    build, plan = a.build, a.plan
    names = ctest_names(build)
    points = testpoints(plan)
    if not points:
        sys.exit(f"check_testplan: no testpoints found in {plan}")
    holes = [(p, toks) for p, toks in points if not any(matches(t, names) for t in toks)]
    for p, toks in holes:
        print(f"HOLE: testpoint '{p}' has no test (names given: {', '.join(toks) or 'none'})")
    print(f"check_testplan: {len(points)} testpoints, {len(points) - len(holes)} with tests, "
          f"{len(holes)} without; {len(names)} CTest tests")
    return 1 if holes else 0


if __name__ == "__main__":
    sys.exit(main())
