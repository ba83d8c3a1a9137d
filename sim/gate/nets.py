#!/usr/bin/env python3
"""Net table of a flattened Yosys netlist (write_json), for the gate-level energy estimate.

    nets.py NETLIST.json MODULE > MODULE.nets

One line per named net bit: name, bit index, net id, fan-out, and the unit that drives it:
    <name> <bit> <net id> <fanout> <class>
Fan-out is the number of cell input pins the net drives, plus one for a module output port (a
load outside). The class is the unit of the cell that drives the net (from the cell's
hierarchical name, kept by flatten): select, multiply, tree, register (a flip-flop output),
input (a module input port), or lane (the lane's own logic: accumulator, control). Constant bits
are left out. Standard library only.
"""

import collections
import json
import re
import sys


def unit_of(cell_name, cell_type):
    if cell_type.startswith("$_DFF") or cell_type.startswith("$_SDFF") or "DFF" in cell_type:
        return "register"
    if "u_select." in cell_name:
        return "select"
    if "u_mul." in cell_name:
        return "multiply"
    if re.search(r"u_(tree|pos_tree|neg_tree|csa|subtract)\.", cell_name):
        return "tree"
    return "lane"


def main():
    if len(sys.argv) != 3:
        print("usage: nets.py NETLIST.json MODULE", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        design = json.load(f)
    module = design["modules"].get(sys.argv[2])
    if module is None:
        print(f"nets.py: no module {sys.argv[2]} in {sys.argv[1]}", file=sys.stderr)
        return 2
    fanout = collections.Counter()
    driver = {}
    for name, cell in module["cells"].items():
        directions = cell.get("port_directions", {})
        for port, bits in cell["connections"].items():
            for b in bits:
                if not isinstance(b, int):
                    continue
                if directions.get(port) == "output":
                    driver[b] = unit_of(name, cell["type"])
                else:
                    fanout[b] += 1
    for port in module["ports"].values():
        for b in port["bits"]:
            if not isinstance(b, int):
                continue
            if port["direction"] == "input":
                driver[b] = "input"
            else:
                fanout[b] += 1
    out = sys.stdout
    for name, net in sorted(module["netnames"].items()):
        for i, b in enumerate(net["bits"]):
            if isinstance(b, int):
                out.write(f"{name} {i} {b} {fanout[b]} {driver.get(b, 'lane')}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
