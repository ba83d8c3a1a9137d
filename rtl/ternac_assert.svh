// ternac's assertion and coverage macros, in the spirit of lowRISC's prim_assert.sv.
//
// They expand to SystemVerilog assertions in simulation (Verilator evaluates them under --assert)
// and to nothing when SYNTHESIS is defined, so Yosys and any synthesis flow never see them.
`ifndef TERNAC_ASSERT_SVH
`define TERNAC_ASSERT_SVH

`ifndef SYNTHESIS
// Concurrent assertion checked at every rising clock edge outside reset.
`define TERNAC_ASSERT(__name, __prop, __clk = clk_i, __rst_n = rst_ni) \
  __name: assert property (@(posedge __clk) disable iff (!(__rst_n)) (__prop)) \
    else $error("assertion %s failed", `"__name`");

// Shorthand for "whenever __ante holds, __cons holds in the same cycle".
`define TERNAC_ASSERT_IF(__name, __ante, __cons, __clk = clk_i, __rst_n = rst_ni) \
  `TERNAC_ASSERT(__name, !(__ante) || (__cons), __clk, __rst_n)

// Functional coverage point: counted in every cycle where __prop holds outside reset, when the
// model is Verilated with --coverage-user (scripts/coverage.sh); ignored otherwise.
`define TERNAC_COVER(__name, __prop, __clk = clk_i, __rst_n = rst_ni) \
  __name: cover property (@(posedge __clk) (__rst_n) && (__prop));
`else
`define TERNAC_ASSERT(__name, __prop, __clk = clk_i, __rst_n = rst_ni)
`define TERNAC_ASSERT_IF(__name, __ante, __cons, __clk = clk_i, __rst_n = rst_ni)
`define TERNAC_COVER(__name, __prop, __clk = clk_i, __rst_n = rst_ni)
`endif

// Test-only fault injection. A model Verilated with +define+TERNAC_FAULT_INJECT reads the plusarg
// +ternac_fault=<n> at time 0, and `TERNAC_FAULT(n) is true in every module that declared
// `TERNAC_FAULT_DECL when fault n was chosen; without the define `TERNAC_FAULT(n) is a constant 0
// and the RTL is unchanged. The faults are listed in docs/assertions.md; each one makes the
// assertion it targets fire (or, for data faults, the scoreboard fail), which is how the tests
// show that the checks can fail.
`ifdef TERNAC_FAULT_INJECT
`define TERNAC_FAULT_DECL \
  int unsigned fault_id; \
  initial begin \
    if (!$value$plusargs("ternac_fault=%d", fault_id)) fault_id = 0; \
  end
`define TERNAC_FAULT(__n) (fault_id == (__n))
`else
`define TERNAC_FAULT_DECL
`define TERNAC_FAULT(__n) 1'b0
`endif

`endif  // TERNAC_ASSERT_SVH
