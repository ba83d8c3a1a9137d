// Energy monitor of the weight double buffer: simulation only, bound to ternac_weight_buffer
// (ternac_bind.sv). It counts the weight bits written into a bank (the rows a beat stores: rows
// past Lanes in the last beat of a narrow port are dropped) and the bank bits that changed.
module ternac_weight_buffer_monitor #(
  parameter int unsigned Lanes             = 16,
  parameter int unsigned WeightRowsPerBeat = Lanes,
  parameter int unsigned RowBits           = 128,
  localparam int unsigned BeatsPerTile     = (Lanes + WeightRowsPerBeat - 1) / WeightRowsPerBeat,
  localparam int unsigned BeatWidth        = (BeatsPerTile > 1) ? $clog2(BeatsPerTile) : 1
) (
  input logic                       clk_i,
  input logic                       rst_ni,
  input logic                       wr_fire_i,
  input logic [BeatWidth-1:0]       wr_beat_i,
  input logic                       wr_sel_i,   // the bank being written
  input logic [Lanes*RowBits-1:0]   bank_i [2]
);

  import ternac_dv_pkg::*;

  localparam int unsigned LBits = 0, LTog = 1, N = 2;

  longint unsigned ternac_counters_q  [N] /*verilator public_flat_rd*/;
  int unsigned     ternac_counter_ids [N] /*verilator public_flat_rd*/;

  // Toggles only in a model Verilated with +define+TERNAC_TOGGLES (ternac_lane_monitor.sv).
`ifdef TERNAC_TOGGLES
  localparam bit CountToggles = 1'b1;
`else
  localparam bit CountToggles = 1'b0;
`endif

  initial begin
    ternac_counter_ids[LBits] = CntWgtBankWriteBits;
    ternac_counter_ids[LTog]  = CntTogBank;
  end

  function automatic longint unsigned rows_stored(logic [BeatWidth-1:0] beat);
    int unsigned first, rows;
    first       = 32'(beat) * WeightRowsPerBeat;
    rows        = (first + WeightRowsPerBeat > Lanes) ? Lanes - first : WeightRowsPerBeat;
    rows_stored = 64'(rows);
  endfunction

  // A copy of each bank as of its last write, compared in the cycle after a write (the banks
  // have no reset, and neither has the copy).
  logic [Lanes*RowBits-1:0] copy_q [2];
  logic                     wrote_q, wrote_sel_q;

  always_ff @(posedge clk_i) begin
    wrote_q     <= wr_fire_i & CountToggles;
    wrote_sel_q <= wr_sel_i;
    if (wrote_q) copy_q[wrote_sel_q] <= bank_i[wrote_sel_q];
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int unsigned i = 0; i < N; i++) ternac_counters_q[i] <= '0;
    end else begin
      if (wr_fire_i) begin
        ternac_counters_q[LBits] <= ternac_counters_q[LBits]
                                  + rows_stored(wr_beat_i) * 64'(RowBits);
      end
      if (wrote_q) begin
        ternac_counters_q[LTog] <= ternac_counters_q[LTog]
            + 64'($countones(bank_i[wrote_sel_q] ^ copy_q[wrote_sel_q]));
      end
    end
  end

endmodule
