// Energy monitor of the array's streams and stage-0 register: simulation only, bound to
// ternac_top (ternac_bind.sv). It counts handshakes on the four streams and the bits they move,
// and the toggles of the stage-0 activation register (docs/energy.md).
module ternac_top_monitor #(
  parameter int unsigned WgtBeatBits = 1,
  parameter int unsigned ActBeatBits = 1,
  parameter int unsigned ResBeatBits = 1
) (
  input logic                   clk_i,
  input logic                   rst_ni,
  input logic                   s0_fire_i,   // an activation beat is computed
  input logic                   act_fire_i,
  input logic                   wgt_fire_i,
  input logic                   res_fire_i,
  input logic [ActBeatBits-1:0] s0_act_i     // the stage-0 activation register
);

  import ternac_dv_pkg::*;

  localparam int unsigned LFires = 0, LRegBits = 1, LWgt = 2, LAct = 3, LRes = 4, LTog = 5, N = 6;

  longint unsigned ternac_counters_q  [N] /*verilator public_flat_rd*/;
  int unsigned     ternac_counter_ids [N] /*verilator public_flat_rd*/;
  // Whether this model counts toggles (the harness's counts_toggles()).
  bit              ternac_counts_toggles /*verilator public_flat_rd*/;

  // Toggles only in a model Verilated with +define+TERNAC_TOGGLES (ternac_lane_monitor.sv).
`ifdef TERNAC_TOGGLES
  localparam bit CountToggles = 1'b1;
`else
  localparam bit CountToggles = 1'b0;
`endif

  initial begin
    ternac_counts_toggles        = CountToggles;
    ternac_counter_ids[LFires]   = CntFires;
    ternac_counter_ids[LRegBits] = CntRegPipeBits;
    ternac_counter_ids[LWgt]     = CntWgtStreamBits;
    ternac_counter_ids[LAct]     = CntActStreamBits;
    ternac_counter_ids[LRes]     = CntResStreamBits;
    ternac_counter_ids[LTog]     = CntTogRegStage0;
  end

  logic [ActBeatBits-1:0] s0_act_q;

  always_ff @(posedge clk_i) begin
    if (CountToggles) s0_act_q <= s0_act_i;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int unsigned i = 0; i < N; i++) ternac_counters_q[i] <= '0;
    end else begin
      if (s0_fire_i) ternac_counters_q[LFires] <= ternac_counters_q[LFires] + 64'd1;
      if (act_fire_i) begin
        // The accepted beat is loaded into the stage-0 register.
        ternac_counters_q[LRegBits] <= ternac_counters_q[LRegBits] + 64'(ActBeatBits);
        ternac_counters_q[LAct]     <= ternac_counters_q[LAct] + 64'(ActBeatBits);
      end
      if (wgt_fire_i) ternac_counters_q[LWgt] <= ternac_counters_q[LWgt] + 64'(WgtBeatBits);
      if (res_fire_i) ternac_counters_q[LRes] <= ternac_counters_q[LRes] + 64'(ResBeatBits);
      if (CountToggles) begin
        ternac_counters_q[LTog] <= ternac_counters_q[LTog] + 64'($countones(s0_act_i ^ s0_act_q));
      end
    end
  end

endmodule
