// Double-buffered weight tile store (two banks of Lanes x TreeInputs trit codes).
//
// The load side fills one bank a beat at a time while the compute side reads the other, so that
// loading tile t + 1 overlaps the computation of tile t. A bank is full from the cycle after its
// last beat was written until the cycle after the compute side released it. A write to a
// released bank lands at the end of the cycle, after the last beat's stage 0 has read it, unless
// that beat is stalled there (cp_hold_i), which holds the write back. Codes outside the
// tile's valid region (rows >= row_valid, columns >= col_valid: the remainder of N and K) are
// stored as zero (TritZero, or a zero INT8 weight), so padding never reaches a result.
module ternac_weight_buffer #(
  parameter int unsigned Lanes             = 16,
  parameter int unsigned TreeInputs        = 64,
  parameter int unsigned WeightRowsPerBeat = Lanes,
  parameter int unsigned WeightBits        = ternac_pkg::TritWidth,
  localparam int unsigned RowBits          = TreeInputs * WeightBits,
  localparam int unsigned BeatsPerTile     = (Lanes + WeightRowsPerBeat - 1) / WeightRowsPerBeat,
  localparam int unsigned BeatWidth        = (BeatsPerTile > 1) ? $clog2(BeatsPerTile) : 1,
  localparam int unsigned LaneIdxWidth     = $clog2(Lanes + 1),
  localparam int unsigned ColIdxWidth      = $clog2(TreeInputs + 1)
) (
  input  logic                                          clk_i,
  input  logic                                          rst_ni,
  // Load side.
  input  logic                                          wr_valid_i,
  input  logic [WeightRowsPerBeat*RowBits-1:0]          wr_data_i,
  input  logic [BeatWidth-1:0]                          wr_beat_i,
  input  logic [LaneIdxWidth-1:0]                       wr_row_valid_i,
  input  logic [ColIdxWidth-1:0]                        wr_col_valid_i,
  input  logic                                          wr_last_i,
  output logic                                          wr_ready_o,
  // Compute side. The controller releases a bank when it accepts the tile's last activation
  // beat; that beat is computed a cycle later (stage 0), from the bank it was accepted against:
  // the read bank, or the one before it when the stage-0 beat released it (cp_released_i).
  // cp_hold_i: the stage-0 beat is held by a stall, so a bank it released must not be written at
  // this edge.
  output logic                                          rd_valid_o,
  input  logic                                          rd_release_i,
  input  logic                                          cp_released_i,
  input  logic                                          cp_hold_i,
  output logic [Lanes*RowBits-1:0]                      rd_data_o
);

  if (WeightRowsPerBeat < 1 || WeightRowsPerBeat > Lanes) begin : g_bad_rows_per_beat
    $fatal(1, "ternac_weight_buffer: WeightRowsPerBeat must be in 1..Lanes (%0d), got %0d", Lanes,
           WeightRowsPerBeat);
  end

  logic [Lanes*RowBits-1:0] bank_q [2];
  logic [1:0]                    full_d, full_q;
  logic                          wr_sel_d, wr_sel_q, rd_sel_d, rd_sel_q;
  logic                          wr_fire, wr_done, cp_sel;

  // The stage-0 beat's bank: releasing flips rd_sel_q, and no other release can come before that
  // beat leaves stage 0 (a release needs an accepted beat, and a stall accepts none).
  assign cp_sel     = rd_sel_q ^ cp_released_i;
  assign wr_ready_o = ~full_q[wr_sel_q]
                    & ~(cp_hold_i & cp_released_i & (cp_sel == wr_sel_q));
  assign rd_valid_o = full_q[rd_sel_q];
  assign rd_data_o  = bank_q[cp_sel];
  assign wr_fire    = wr_valid_i & wr_ready_o;
  assign wr_done    = wr_fire & wr_last_i;

  // Column mask over the 2-bit codes of a row: ones below 2 * col_valid.
  logic [RowBits-1:0] col_mask;
  assign col_mask = ~({RowBits{1'b1}} << (WeightBits * wr_col_valid_i));

  always_comb begin
    full_d   = full_q;
    wr_sel_d = wr_sel_q;
    rd_sel_d = rd_sel_q;
    if (wr_done) begin
      full_d[wr_sel_q] = 1'b1;
      wr_sel_d         = ~wr_sel_q;
    end
    if (rd_release_i) begin
      full_d[rd_sel_q] = 1'b0;
      rd_sel_d         = ~rd_sel_q;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      full_q   <= 2'b00;
      wr_sel_q <= 1'b0;
      rd_sel_q <= 1'b0;
    end else begin
      full_q   <= full_d;
      wr_sel_q <= wr_sel_d;
      rd_sel_q <= rd_sel_d;
    end
  end

  // Bank storage: datapath, no reset. Beat b carries rows b * WeightRowsPerBeat + j; rows past
  // Lanes in the last beat of a narrow port are dropped; rows past row_valid and columns past
  // col_valid are stored as zero codes. One process per row: every index is a constant of the
  // generate loop, so no address arithmetic (and no multiplier) is synthesized, and a simulator
  // need not unroll a procedural loop over up to MaxLanes rows.
  for (genvar r = 0; r < Lanes; r++) begin : g_row
    always_ff @(posedge clk_i) begin
      if (wr_fire && 32'(wr_beat_i) == r / WeightRowsPerBeat) begin
        bank_q[wr_sel_q][r*RowBits+:RowBits] <= (r < 32'(wr_row_valid_i)) ?
            (wr_data_i[(r%WeightRowsPerBeat)*RowBits+:RowBits] & col_mask) : '0;
      end
    end
  end

endmodule
