#!/usr/bin/env python3
"""Net table of a flattened Yosys netlist (write_json), for the gate-level energy estimate.

    nets.py NETLIST.json MODULE > MODULE.nets
    nets.py NETLIST.json MODULE --cells MODULE.cells > MODULE.nets

One line per named net bit: name, bit index, net id, fan-out, and the unit that drives it:
    <name> <bit> <net id> <fanout> <class>
Fan-out is the number of cell input pins the net drives, plus one for a module output port (a
load outside). The class is the unit of the cell that drives the net (from the cell's
hierarchical name, kept by flatten): select, multiply, tree, register (a flip-flop output),
input (a module input port), or lane (the lane's own logic: accumulator, control). Constant bits
are left out. With --cells, also every cell: its type and its net ids, output first
    <type> <output> <input>...      (NOT: A; NAND, NOR: A B; DFFE: D E; a constant input is c0/c1)
for the event-driven simulation of sim/gate_eventsim.cpp. Standard library only.
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


PINS = {"$_NOT_": ("Y", ["A"]), "$_NAND_": ("Y", ["A", "B"]), "$_NOR_": ("Y", ["A", "B"]),
        "$_DFFE_PP_": ("Q", ["D", "E"]), "$_DFF_P_": ("Q", ["D"])}


def write_cells(module, path):
    with open(path, "w", encoding="utf-8") as out:
        for name, cell in module["cells"].items():
            kind = cell["type"]
            if kind not in PINS:
                print(f"nets.py: cell {name} of type {kind}: the event simulation knows "
                      f"{', '.join(PINS)} only", file=sys.stderr)
                return False
            y, ins = PINS[kind]
            conn = cell["connections"]
            bits = [conn[y][0]] + [conn[p][0] for p in ins]
            text = [str(b) if isinstance(b, int) else f"c{b}" for b in bits]
            out.write(f"{kind.strip('$_')} {' '.join(text)}\n")
    return True


def main():
    if len(sys.argv) not in (3, 5) or (len(sys.argv) == 5 and sys.argv[3] != "--cells"):
        print("usage: nets.py NETLIST.json MODULE [--cells MODULE.cells]", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        design = json.load(f)
    module = design["modules"].get(sys.argv[2])
    if module is None:
        print(f"nets.py: no module {sys.argv[2]} in {sys.argv[1]}", file=sys.stderr)
        return 2
    if len(sys.argv) == 5 and not write_cells(module, sys.argv[4]):
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
