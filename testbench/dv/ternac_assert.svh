// ternac's assertion and coverage macros, in the spirit of lowRISC's prim_assert.sv.
//
// They expand to SystemVerilog assertions in simulation (Verilator evaluates them under --assert)
// and to nothing when SYNTHESIS is defined. Only the bound checkers of testbench/dv use them:
// the design files (rtl/ternac.f) hold no assertion.
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

`endif  // TERNAC_ASSERT_SVH
