// Per-operation energy counters: simulation only.
//
// Each counter counts one operation class (at one bit width) in the cycles where the operation
// really happens; docs/energy.md defines them and model/op_counts.cpp predicts every one of them
// from the data. Under SYNTHESIS the module is empty and drives zeros, so the synthesized netlist
// is the same with or without it.
//
// The harness reads counters_q directly (it is public); there is no port, so nothing of this
// module reaches a netlist. Counter order, as ternac::OpCounts::flat():
//    0 fires            activation beats computed
//    1 sel_pos          selects passing +x          2 sel_neg   selects passing -x
//    3 sel_zero         selects gated to zero (zero, padding, illegal codes)
//    4 acc_adds         AccWidth-bit accumulator adds (every lane, every stage-1 item)
//    5 reg_pipe_bits    tree-stage register bits written
//    6 psum_read_bits   partial-sum bits read       7 psum_write_bits  partial-sum bits written
//    8 wgt_stream_bits  weight-stream bits taken    9 wgt_bank_write_bits  bits written to banks
//   10 act_stream_bits  activation-stream bits     11 res_stream_bits  result bits produced
//   12 + (l - 1)        tree adds at level l (operands 7 + l bits) with a nonzero weight below
module ternac_energy_counters #(
  parameter int unsigned Lanes             = 16,
  parameter int unsigned TreeInputs        = 64,
  parameter int unsigned AccWidth          = 32,
  parameter int unsigned WeightRowsPerBeat = Lanes,
  parameter int unsigned Datapath          = ternac_pkg::DatapathTernary,
  parameter int unsigned PipeEvery         = 0,
  parameter int unsigned LevelWidthCap     = 0,
  localparam int unsigned WB               = ternac_pkg::weight_bits(Datapath),
  localparam int unsigned RowBits          = TreeInputs * WB,
  localparam int unsigned Levels           = ternac_pkg::tree_levels(TreeInputs),
  localparam int unsigned NumCounters      = 12 + Levels,
  localparam int unsigned BeatsPerTile     = (Lanes + WeightRowsPerBeat - 1) / WeightRowsPerBeat,
  localparam int unsigned BeatWidth        = (BeatsPerTile > 1) ? $clog2(BeatsPerTile) : 1
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  input  logic [Lanes*RowBits-1:0]      tile_i,          // the compute bank
  input  logic                          s0_fire_i,       // an activation beat is computed
  input  logic                          tile_release_i,  // ... and it is the tile's last token
  input  logic                          pipe_en_i,
  input  logic                          s1_valid_i,
  input  logic                          s1_first_i,
  input  logic                          s1_last_i,
  input  logic                          wgt_fire_i,
  input  logic [BeatWidth-1:0]          wgt_beat_i,
  input  logic                          res_push_i
);

`ifndef SYNTHESIS
  localparam int unsigned OperandBits = ternac_pkg::operand_bits(Datapath);
  localparam int unsigned TreeWidth = ternac_pkg::level_width(OperandBits, Levels, LevelWidthCap);
  // Register bits one item writes in one lane: the root register (sum and carry), plus every
  // register level inside a pipelined tree (each node's sum and carry).
  function automatic int unsigned tree_reg_bits();
    int unsigned bits;
    bits = TreeWidth + 1;
    for (int l = 1; l < int'(Levels); l++) begin
      if (PipeEvery > 0 && l % PipeEvery == 0) begin
        bits += ternac_pkg::tree_nodes(TreeInputs, l)
              * (ternac_pkg::level_width(OperandBits, l, LevelWidthCap) + 1);
      end
    end
    tree_reg_bits = bits;
  endfunction
  localparam int unsigned TreeRegBits = tree_reg_bits();

  typedef logic [63:0] count_t;
  localparam int unsigned TileCounts = 3 + Levels;  // pos, neg, zero, adds per level
  localparam count_t PipeBitsPerFire = count_t'(Lanes) * count_t'(TreeRegBits);
  localparam count_t ActBitsPerFire  = count_t'(TreeInputs) * count_t'(ternac_pkg::ActWidth);
  localparam count_t AccBitsPerItem  = count_t'(Lanes) * count_t'(AccWidth);
  localparam count_t BitsPerBeat     = count_t'(WeightRowsPerBeat) * count_t'(RowBits);

  count_t counters_d [NumCounters];
  count_t counters_q [NumCounters] /*verilator public_flat_rd*/;
  count_t tile_fires_d, tile_fires_q;

  // Selects of one tile by kind, then the adds at each tree level that see a nonzero weight,
  // following the tree's node structure (adjacent pairs add, an odd last node passes through).
  function automatic logic [TileCounts*64-1:0] tile_counts(logic [Lanes*RowBits-1:0] tile);
    logic [TileCounts*64-1:0] n;
    logic [TreeInputs-1:0]    active, next;
    int unsigned              nodes;
    n = '0;
    for (int unsigned j = 0; j < Lanes; j++) begin
      for (int unsigned c = 0; c < TreeInputs; c++) begin
        if (Datapath == ternac_pkg::DatapathTernary) begin
          unique case (tile[(j*TreeInputs+c)*WB+:2])
            2'b01:   n[0+:64] = n[0+:64] + 64'd1;
            2'b11:   n[64+:64] = n[64+:64] + 64'd1;
            default: n[128+:64] = n[128+:64] + 64'd1;
          endcase
          active[c] = tile[(j*TreeInputs+c)*WB];
        end else begin
          // Every INT8 weight slot multiplies, zero or not: nothing gates a multiplier.
          n[0+:64]  = n[0+:64] + 64'd1;
          active[c] = |tile[(j*TreeInputs+c)*WB+:WB];
        end
      end
      nodes = TreeInputs;
      for (int l = 0; l < int'(Levels); l++) begin
        next = '0;
        for (int unsigned i = 0; 2 * i < nodes; i++) begin
          if (2 * i + 1 < nodes) begin
            next[i] = active[2*i] | active[2*i+1];
            n[(3+l)*64+:64] = n[(3+l)*64+:64] + 64'(next[i]);
          end else begin
            next[i] = active[2*i];
          end
        end
        active = next;
        nodes  = (nodes + 1) / 2;
      end
    end
    tile_counts = n;
  endfunction

  always_comb begin
    logic [TileCounts*64-1:0] per_tile;
    count_t                   tokens;
    int unsigned              rows_stored;
    per_tile    = '0;
    tokens      = '0;
    rows_stored = 0;
    for (int unsigned i = 0; i < NumCounters; i++) counters_d[i] = counters_q[i];
    tile_fires_d = tile_fires_q;
    if (s0_fire_i) begin
      counters_d[0]  = counters_q[0] + 64'd1;
      counters_d[5]  = counters_q[5] + PipeBitsPerFire;
      counters_d[10] = counters_q[10] + ActBitsPerFire;
      tile_fires_d   = tile_release_i ? '0 : tile_fires_q + 64'd1;
      // A tile's selects and adds are the same for each of its tokens: count them once, at the
      // tile's last token.
      if (tile_release_i) begin
        per_tile = tile_counts(tile_i);
        tokens   = tile_fires_q + 64'd1;
        for (int unsigned i = 0; i < TileCounts; i++) begin
          counters_d[(i < 3) ? i + 1 : i + 9] = counters_q[(i < 3) ? i + 1 : i + 9]
                                              + per_tile[i*64+:64] * tokens;
        end
      end
    end
    if (pipe_en_i && s1_valid_i) begin
      counters_d[4] = counters_q[4] + 64'(Lanes);
      if (!s1_first_i) counters_d[6] = counters_q[6] + AccBitsPerItem;
      if (!s1_last_i) counters_d[7] = counters_q[7] + AccBitsPerItem;
    end
    if (wgt_fire_i) begin
      counters_d[8] = counters_q[8] + BitsPerBeat;
      // Rows past Lanes in the last beat of a narrow port are not stored.
      rows_stored   = (32'(wgt_beat_i) * WeightRowsPerBeat + WeightRowsPerBeat > Lanes)
                    ? Lanes - 32'(wgt_beat_i) * WeightRowsPerBeat : WeightRowsPerBeat;
      counters_d[9] = counters_q[9] + count_t'(rows_stored) * count_t'(RowBits);
    end
    if (res_push_i) begin
      counters_d[11] = counters_q[11] + AccBitsPerItem;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int unsigned i = 0; i < NumCounters; i++) counters_q[i] <= '0;
      tile_fires_q <= '0;
    end else begin
      for (int unsigned i = 0; i < NumCounters; i++) counters_q[i] <= counters_d[i];
      tile_fires_q <= tile_fires_d;
    end
  end
`else
  logic unused_inputs;
  assign unused_inputs = ^{clk_i, rst_ni, tile_i, s0_fire_i, tile_release_i, pipe_en_i,
                           s1_valid_i, s1_first_i, s1_last_i, wgt_fire_i, wgt_beat_i,
                           res_push_i};
`endif

endmodule
