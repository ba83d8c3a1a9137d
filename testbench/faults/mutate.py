#!/usr/bin/env python3
"""Applies the named test-only faults of faults.json to a copy of the design (docs/assertions.md).

    mutate.py --table faults.json --design rtl/ternac.f --out DIR [--header FILE]
    mutate.py --table faults.json --markdown      # the fault table of docs/assertions.md

Every design file of the list is copied to DIR (with DIR/ternac.f listing the copies); in a file
that a fault mutates, its `find` text (exactly one occurrence, after `after` when given) becomes
`replace` with @FAULT@ read as "fault <id> was chosen", and the module gets the fault selection
(+ternac_fault=<id> at time 0) and the fault's `decl` lines after its port list. --header writes
the table as a C++ header for the tests. Standard library only.
"""

import argparse
import json
import os
import sys


def fail(message):
    print(f"mutate.py: {message}", file=sys.stderr)
    sys.exit(2)


def read_design_list(path):
    base = os.path.dirname(os.path.abspath(path))
    files = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.endswith(".sv"):
                files.append(os.path.join(base, line))
    return files


def load_table(path):
    try:
        with open(path, encoding="utf-8") as f:
            table = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"cannot read {path}: {e}")
    faults = table.get("faults")
    if not isinstance(faults, list) or not faults:
        fail(f"{path}: no 'faults' list")
    ids, names = set(), set()
    for f in faults:
        for key in ("id", "name", "file", "find", "replace", "caught_by", "description"):
            if key not in f:
                fail(f"{path}: fault {f.get('name', '?')} has no '{key}'")
        if f["id"] in ids or f["name"] in names:
            fail(f"{path}: fault id {f['id']} or name {f['name']} used twice")
        if "@FAULT@" not in f["replace"]:
            fail(f"{path}: fault {f['name']}: 'replace' never reads @FAULT@")
        ids.add(f["id"])
        names.add(f["name"])
    return faults


SELECTION = """\
  // Test-only fault selection (testbench/faults/faults.json): the fault build's copy only.
  int unsigned ternac_fault_id;
  initial begin
    if (!$value$plusargs("ternac_fault=%d", ternac_fault_id)) ternac_fault_id = 0;
  end
"""


def mutate(text, faults, filename):
    decls = []
    for f in faults:
        start = 0
        if "after" in f:
            start = text.find(f["after"])
            if start < 0:
                fail(f"fault {f['name']}: '{f['after']}' not found in {filename}")
        first = text.find(f["find"], start)
        if first < 0:
            fail(f"fault {f['name']}: '{f['find']}' not found in {filename} (the RTL changed: "
                 "update testbench/faults/faults.json)")
        if text.find(f["find"], first + 1) >= 0 and "after" not in f:
            fail(f"fault {f['name']}: '{f['find']}' occurs more than once in {filename}; "
                 "give 'after' to pick one")
        replacement = f["replace"].replace("@FAULT@", f"(ternac_fault_id == 32'd{f['id']})")
        text = text[:first] + replacement + text[first + len(f["find"]):]
        decls += ["  " + line for line in f.get("decl", [])]
    header_end = text.find("\n);\n", text.find("\nmodule "))
    if header_end < 0:
        fail(f"{filename}: cannot find the end of the module's port list")
    insert = "\n" + SELECTION + "".join(d + "\n" for d in decls)
    cut = header_end + len("\n);\n")
    return text[:cut] + insert + text[cut:]


def cpp_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_file(path, content):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(content)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--table", required=True, help="faults.json")
    ap.add_argument("--design", help="the design file list (rtl/ternac.f)")
    ap.add_argument("--out", help="directory for the mutated copy")
    ap.add_argument("--header", help="C++ header with the fault table, for the tests")
    ap.add_argument("--markdown", action="store_true", help="print the fault table as Markdown")
    args = ap.parse_args()
    faults = load_table(args.table)
    if args.markdown:
        print("| id | fault | module | what it breaks | caught by |")
        print("|---|---|---|---|---|")
        for f in faults:
            module = os.path.splitext(f["file"])[0]
            print(f"| {f['id']} | `{f['name']}` | `{module}` | {f['description']} | "
                  f"{f['caught_by']} |")
        return
    if not args.design or not args.out:
        fail("--design and --out are needed to write the mutated copy")
    sources = read_design_list(args.design)
    known = {os.path.basename(s) for s in sources}
    for f in faults:
        if f["file"] not in known:
            fail(f"fault {f['name']}: {f['file']} is not in {args.design}")
    os.makedirs(args.out, exist_ok=True)
    for src in sources:
        name = os.path.basename(src)
        with open(src, encoding="utf-8") as f:
            text = f.read()
        mine = [f for f in faults if f["file"] == name]
        if mine:
            text = mutate(text, mine, name)
        write_file(os.path.join(args.out, name), text)
    write_file(os.path.join(args.out, "ternac.f"),
                     "".join(os.path.basename(s) + "\n" for s in sources))
    if args.header:
        rows = "".join(f"    {{{f['id']}, {cpp_string(f['name'])}, {cpp_string(f['caught_by'])}, "
                       f"{cpp_string(f['description'])}}},\n" for f in faults)
        write_file(args.header, f"""\
// Generated by testbench/faults/mutate.py from testbench/faults/faults.json: do not edit.
#pragma once

namespace ternac {{

struct FaultInfo {{
  int id;                 // +ternac_fault=<id> chooses it in the fault build
  const char* name;
  const char* caught_by;  // "assertion <Name>", "scoreboard" or "energy counters"
  const char* description;
}};

inline constexpr FaultInfo kFaults[] = {{
{rows}}};

}}  // namespace ternac
""")


if __name__ == "__main__":
    main()
