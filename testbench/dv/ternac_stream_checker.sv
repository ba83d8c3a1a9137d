`include "ternac_assert.svh"

// Valid/ready stream rules (docs/architecture.md), for any stream: a beat once offered stays
// offered until it is taken (<Name>HeldUntilTaken), and unchanged (<Name>StableUntilTaken).
// Simulation only; bound to each of ternac_top's four streams (ternac_bind.sv).
//
// Each rule is evaluated into a flag register and the assertion checks the flag a cycle later:
// assertions that sample wide ports directly are miscompiled by Verilator 5.006 when it splits
// its output (an undeclared loop variable in the sampling code). The beat is copied, and the wide
// comparison made, only in a cycle after a stall, off the simulation's common path.
module ternac_stream_checker #(
  parameter int unsigned Width = 1,
  parameter string       Name  = "Stream"
) (
  input logic             clk_i,
  input logic             rst_ni,
  input logic             valid_i,
  input logic             ready_i,
  input logic [Width-1:0] data_i
);

  logic             wait_q, withdrawn_q, changed_q;
  logic [Width-1:0] data_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wait_q      <= 1'b0;
      withdrawn_q <= 1'b0;
      changed_q   <= 1'b0;
    end else begin
      wait_q      <= valid_i & ~ready_i;
      withdrawn_q <= wait_q & ~valid_i;
      changed_q   <= wait_q & valid_i & (data_i != data_q);
    end
  end

  always_ff @(posedge clk_i) begin
    if (valid_i && !ready_i) data_q <= data_i;
  end

  HeldUntilTaken: assert property (@(posedge clk_i) disable iff (!rst_ni) !withdrawn_q)
    else $error("assertion %sHeldUntilTaken failed", Name);
  StableUntilTaken: assert property (@(posedge clk_i) disable iff (!rst_ni) !changed_q)
    else $error("assertion %sStableUntilTaken failed", Name);

  // Functional coverage (docs/regression.md): every handshake state of the stream.
  `TERNAC_COVER(cov_fire, valid_i && ready_i)
  `TERNAC_COVER(cov_stall, valid_i && !ready_i)
  `TERNAC_COVER(cov_idle, !valid_i && ready_i)

endmodule
