// One node of the lane's adder tree: a + b + carry_in. With Saturate = 0 the sum is one bit wider
// than the operands, so the sum of two signed Width-bit values plus a carry is always exact. With
// Saturate = 1 (a level of a width-capped tree) the sum keeps Width bits and saturates to the
// largest or smallest Width-bit value, raising overflow_o.
module ternac_adder #(
  parameter int unsigned Width    = 8,
  parameter bit          Saturate = 1'b0,
  localparam int unsigned OutWidth = Saturate ? Width : Width + 1
) (
  input  logic [Width-1:0]    a_i,
  input  logic [Width-1:0]    b_i,
  input  logic                carry_i,
  output logic [OutWidth-1:0] sum_o,
  output logic                overflow_o
);

  if (Width < 1 || Width > 64) begin : g_bad_width
    $fatal(1, "ternac_adder: Width must be in 1..64, got %0d", Width);
  end

  logic [Width:0] full;
  assign full = {a_i[Width-1], a_i} + {b_i[Width-1], b_i} + {{Width{1'b0}}, carry_i};

  if (!Saturate) begin : g_exact
    assign sum_o      = full;
    assign overflow_o = 1'b0;
  end else begin : g_saturate
    // The Width+1-bit sum fits in Width bits when its two top bits agree.
    assign overflow_o = full[Width] ^ full[Width-1];
    assign sum_o      = !overflow_o ? full[Width-1:0]
                      : full[Width] ? {1'b1, {(Width - 1) {1'b0}}}   // below the minimum
                                    : {1'b0, {(Width - 1) {1'b1}}};  // above the maximum
  end

`ifndef SYNTHESIS
  // Simulation-only activity, read from this adder's inputs (docs/energy.md): it had a nonzero
  // input (an operand or its carry). The tree gathers it for the bound energy monitor.
  logic probe_in_nz;
  assign probe_in_nz = |{a_i, b_i, carry_i};
`endif

endmodule
