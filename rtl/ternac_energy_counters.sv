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
//    5 reg_pipe_bits    pipeline register bits written (stage-0 input, tree stages, root)
//    6 psum_read_bits   partial-sum bits read       7 psum_write_bits  partial-sum bits written
//    8 wgt_stream_bits  weight-stream bits taken    9 wgt_bank_write_bits  bits written to banks
//   10 act_stream_bits  activation-stream bits     11 res_stream_bits  result bits produced
//   12 + i              adder entry i (ternac_pkg::add_entries): with the signed tree, the adds
//                       at level i + 1 (operands 7 + i + 1 bits) with a nonzero weight below;
//                       with split trees, the same over both trees and, last, the final
//                       subtracts; with carry-save, the 3:2 compressors of level i + 1 and, last,
//                       the carry-propagate adds. An add counts when a nonzero weight (or, for a
//                       compressor, its injected negation carry) is in its input cone.
module ternac_energy_counters #(
  parameter int unsigned Lanes             = 16,
  parameter int unsigned TreeInputs        = 64,
  parameter int unsigned AccWidth          = 32,
  parameter int unsigned WeightRowsPerBeat = Lanes,
  parameter int unsigned Datapath          = ternac_pkg::DatapathTernary,
  parameter int unsigned PipeEvery         = 0,
  parameter int unsigned LevelWidthCap     = 0,
  parameter int unsigned Reduction         = ternac_pkg::ReductionSigned,
  localparam int unsigned WB               = ternac_pkg::weight_bits(Datapath),
  localparam int unsigned RowBits          = TreeInputs * WB,
  localparam int unsigned Levels           = ternac_pkg::tree_levels(TreeInputs),
  localparam int unsigned AddEntries       = ternac_pkg::add_entries(TreeInputs, Reduction),
  localparam int unsigned NumCounters      = 12 + AddEntries,
  localparam int unsigned BeatsPerTile     = (Lanes + WeightRowsPerBeat - 1) / WeightRowsPerBeat,
  localparam int unsigned BeatWidth        = (BeatsPerTile > 1) ? $clog2(BeatsPerTile) : 1
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  input  logic [Lanes*RowBits-1:0]      tile_i,          // the compute bank
  input  logic                          s0_fire_i,       // an activation beat is computed
                                                         // (leaves stage 0)
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
  localparam int unsigned TreeWidth =
      ternac_pkg::root_width(OperandBits, TreeInputs, LevelWidthCap, Reduction);
  localparam bit Split = Reduction == ternac_pkg::ReductionSplit;
  localparam int unsigned CsaLevels = ternac_pkg::csa_levels(TreeInputs);
  // The field of the final add (the last adder entry), and the carry the carry-propagate adder
  // takes; both only used by the reduction they belong to (clamped in range for the others).
  localparam int unsigned SplitFinal = Split ? 3 + Levels : 0;
  localparam int unsigned CsaFinal = (Reduction == ternac_pkg::ReductionCsa) ? 3 + CsaLevels : 0;
  localparam int unsigned LastCsaCarry = (TreeInputs > 1) ? TreeInputs - 2 : 0;
  localparam int unsigned SecondValue = (TreeInputs > 1) ? 1 : 0;
  // Register bits one item writes in one lane: the root register (sum, and the leftover carry
  // except with split trees, which have none), plus every register level inside a pipelined tree
  // (each node's sum and carry; both trees' sums and no carries when split). The stage-0 input
  // register (the beat's TreeInputs activations, shared by the lanes) comes on top, per item.
  function automatic int unsigned tree_reg_bits();
    int unsigned bits;
    bits = Split ? TreeWidth : TreeWidth + 1;
    for (int l = 1; l < int'(Levels); l++) begin
      if (PipeEvery > 0 && l % PipeEvery == 0) begin
        bits += ternac_pkg::tree_nodes(TreeInputs, l)
              * (Split ? 2 * ternac_pkg::level_width(OperandBits, l, LevelWidthCap)
                       : ternac_pkg::level_width(OperandBits, l, LevelWidthCap) + 1);
      end
    end
    tree_reg_bits = bits;
  endfunction
  localparam int unsigned TreeRegBits = tree_reg_bits();

  typedef logic [63:0] count_t;
  localparam int unsigned TileCounts = 3 + AddEntries;  // pos, neg, zero, adder entries
  localparam count_t ActBitsPerFire  = count_t'(TreeInputs) * count_t'(ternac_pkg::ActWidth);
  localparam count_t PipeBitsPerFire = count_t'(Lanes) * count_t'(TreeRegBits) + ActBitsPerFire;
  localparam count_t AccBitsPerItem  = count_t'(Lanes) * count_t'(AccWidth);
  localparam count_t BitsPerBeat     = count_t'(WeightRowsPerBeat) * count_t'(RowBits);

  count_t counters_q [NumCounters] /*verilator public_flat_rd*/;
  count_t tile_fires_q;

  function automatic int unsigned rows_stored(logic [BeatWidth-1:0] beat);
    rows_stored = (32'(beat) * WeightRowsPerBeat + WeightRowsPerBeat > Lanes)
                ? Lanes - 32'(beat) * WeightRowsPerBeat : WeightRowsPerBeat;
  endfunction

  // Adds at each level of a binary tree over the operands marked active in `a` (adjacent pairs
  // add, an odd last node passes through), at fields 3 + level - 1 of a tile-count vector.
  function automatic logic [TileCounts*64-1:0] binary_adds(logic [TreeInputs-1:0] a);
    logic [TileCounts*64-1:0] n;
    logic [TreeInputs-1:0]    active, next;
    int unsigned              nodes;
    n      = '0;
    active = a;
    nodes  = TreeInputs;
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
    binary_adds = n;
  endfunction

  // Compressors at each 3:2 level (groups of three in order, leftovers passed on, as in
  // ternac_csa_tree) whose inputs or injected carry carry a nonzero weight, then the final add.
  function automatic logic [TileCounts*64-1:0] csa_adds(logic [TreeInputs-1:0] a,
                                                        logic [TreeInputs-1:0] neg);
    logic [TileCounts*64-1:0] n;
    logic [TreeInputs-1:0]    active, next;
    int unsigned              count, groups, first;
    n      = '0;
    active = a;
    count  = TreeInputs;
    first  = 0;
    for (int l = 0; l < int'(CsaLevels); l++) begin
      groups = count / 3;
      next   = '0;
      for (int unsigned g = 0; g < groups; g++) begin
        next[2*g]   = active[3*g] | active[3*g+1] | active[3*g+2] | neg[first+g];
        next[2*g+1] = next[2*g];
        n[(3+l)*64+:64] = n[(3+l)*64+:64] + 64'(next[2*g]);
      end
      for (int unsigned r = 0; r < count % 3; r++) next[2*groups+r] = active[3*groups+r];
      first  = first + groups;
      count  = 2 * groups + count % 3;
      active = next;
    end
    n[CsaFinal*64+:64] = {63'd0, active[0] | active[SecondValue] | neg[LastCsaCarry]};
    csa_adds = n;
  endfunction

  // Selects of one tile by kind, then the adds of every adder entry.
  function automatic logic [TileCounts*64-1:0] tile_counts(logic [Lanes*RowBits-1:0] tile);
    logic [TileCounts*64-1:0] n, adds;
    logic [TreeInputs-1:0]    pos, neg, active;
    n = '0;
    for (int unsigned j = 0; j < Lanes; j++) begin
      for (int unsigned c = 0; c < TreeInputs; c++) begin
        if (Datapath == ternac_pkg::DatapathTernary) begin
          unique case (tile[(j*TreeInputs+c)*WB+:2])
            2'b01:   n[0+:64] = n[0+:64] + 64'd1;
            2'b11:   n[64+:64] = n[64+:64] + 64'd1;
            default: n[128+:64] = n[128+:64] + 64'd1;
          endcase
          pos[c]    = tile[(j*TreeInputs+c)*WB+:2] == 2'b01;
          neg[c]    = tile[(j*TreeInputs+c)*WB+:2] == 2'b11;
          active[c] = pos[c] | neg[c];
        end else begin
          // Every INT8 weight slot multiplies, zero or not: nothing gates a multiplier.
          n[0+:64]  = n[0+:64] + 64'd1;
          pos[c]    = 1'b0;
          neg[c]    = 1'b0;
          active[c] = |tile[(j*TreeInputs+c)*WB+:WB];
        end
      end
      if (Reduction == ternac_pkg::ReductionSplit) begin
        adds = binary_adds(pos);
        for (int unsigned i = 3; i < TileCounts; i++) n[i*64+:64] = n[i*64+:64] + adds[i*64+:64];
        adds = binary_adds(neg);
        adds[SplitFinal*64+:64] = {63'd0, |active};
      end else if (Reduction == ternac_pkg::ReductionCsa) begin
        adds = csa_adds(active, neg);
      end else begin
        adds = binary_adds(active);
      end
      for (int unsigned i = 3; i < TileCounts; i++) n[i*64+:64] = n[i*64+:64] + adds[i*64+:64];
    end
    tile_counts = n;
  endfunction

  // Bit-parallel counting of the ternary selects and binary-tree adds (signed and split trees):
  // the same numbers as tile_counts() (which the INT8 baseline and carry-save trees use), as a
  // few wide logic operations per tree level instead of a loop over every weight, so that a
  // whole-model simulation does not spend its time here. Bit 2 * (j * TreeInputs + c) of these
  // vectors stands for weight c of lane j (the low bit of its code in tile_i).
  localparam int unsigned TileBits = Lanes * RowBits;
  localparam bit FastCount = Datapath == ternac_pkg::DatapathTernary &&
                             Reduction != ternac_pkg::ReductionCsa;
  typedef logic [TileBits-1:0] tile_bits_t;

  // The first weight of every level-`level` node of every lane; with `paired`, only the even
  // nodes whose odd sibling exists (the nodes that add at level + 1).
  function automatic tile_bits_t node_mask(int unsigned level, bit paired);
    tile_bits_t  m;
    int unsigned nodes;
    m     = '0;
    nodes = ternac_pkg::tree_nodes(TreeInputs, level);
    for (int unsigned j = 0; j < Lanes; j++) begin
      for (int unsigned i = 0; i < nodes; i++) begin
        if (!paired || (i % 2 == 0 && i + 1 < nodes)) m[2*(j*TreeInputs+(i<<level))] = 1'b1;
      end
    end
    node_mask = m;
  endfunction

  localparam tile_bits_t WeightMask = node_mask(0, 1'b0);
  localparam tile_bits_t RootMask   = node_mask(Levels, 1'b0);
  localparam int unsigned Chains    = Split ? 2 : 1;

  tile_bits_t pos_bits, neg_bits;
  assign pos_bits = tile_i & ~(tile_i >> 1) & WeightMask;  // code 01
  assign neg_bits = tile_i & (tile_i >> 1) & WeightMask;   // code 11

  // One chain per tree: the nodes with a nonzero weight below them, level by level, and the
  // adds at each level (level_adds[t][0] unused).
  logic [31:0] level_adds [Chains][Levels+1];
  tile_bits_t  root_active [Chains];
  for (genvar t = 0; t < Chains; t++) begin : g_chain
    for (genvar l = 0; l <= Levels; l++) begin : g_level
      tile_bits_t active;
      if (l == 0) begin : g_leaves
        assign active  = !Split ? pos_bits | neg_bits : (t == 0) ? pos_bits : neg_bits;
        assign level_adds[t][l] = '0;
      end else begin : g_nodes
        localparam tile_bits_t Paired = node_mask(l - 1, 1'b1);
        localparam tile_bits_t Kept   = node_mask(l, 1'b0);
        tile_bits_t either;
        assign either  = g_level[l-1].active | (g_level[l-1].active >> (1 << l));
        assign level_adds[t][l] = $countones(either & Paired);
        assign active  = (g_level[l-1].active & Kept & ~Paired) | (either & Paired);
      end
    end
    assign root_active[t] = g_level[Levels].active;
  end

  logic [TileCounts*64-1:0] fast_counts;
  always_comb begin
    fast_counts        = '0;
    fast_counts[0+:64] = 64'($countones(pos_bits));
    fast_counts[64+:64] = 64'($countones(neg_bits));
    fast_counts[128+:64] = 64'(Lanes * TreeInputs) - fast_counts[0+:64] - fast_counts[64+:64];
    for (int unsigned l = 1; l <= Levels; l++) begin
      for (int unsigned t = 0; t < Chains; t++) begin
        fast_counts[(2+l)*64+:64] = fast_counts[(2+l)*64+:64] + 64'(level_adds[t][l]);
      end
    end
    if (Split) begin  // the final subtract of every lane with a nonzero weight
      fast_counts[SplitFinal*64+:64] =
          64'($countones((root_active[0] | root_active[Chains-1]) & RootMask));
    end
  end

  // Counted at the clock edge, inside the flop process, so that a simulator evaluates the
  // (simulation-only) per-tile counting once per cycle, not each time an input settles.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int unsigned i = 0; i < NumCounters; i++) counters_q[i] <= '0;
      tile_fires_q <= '0;
    end else begin
      if (s0_fire_i) begin
        counters_q[0]  <= counters_q[0] + 64'd1;
        counters_q[5]  <= counters_q[5] + PipeBitsPerFire;
        counters_q[10] <= counters_q[10] + ActBitsPerFire;
        tile_fires_q   <= tile_release_i ? '0 : tile_fires_q + 64'd1;
        // A tile's selects and adds are the same for each of its tokens: count them once, at
        // the tile's last token.
        if (tile_release_i) begin
          logic [TileCounts*64-1:0] per_tile;
          per_tile = FastCount ? fast_counts : tile_counts(tile_i);
          for (int unsigned i = 0; i < TileCounts; i++) begin
            counters_q[(i < 3) ? i + 1 : i + 9] <= counters_q[(i < 3) ? i + 1 : i + 9]
                                                 + per_tile[i*64+:64] * (tile_fires_q + 64'd1);
          end
        end
      end
      if (pipe_en_i && s1_valid_i) begin
        counters_q[4] <= counters_q[4] + 64'(Lanes);
        if (!s1_first_i) counters_q[6] <= counters_q[6] + AccBitsPerItem;
        if (!s1_last_i) counters_q[7] <= counters_q[7] + AccBitsPerItem;
      end
      if (wgt_fire_i) begin
        counters_q[8] <= counters_q[8] + BitsPerBeat;
        // Rows past Lanes in the last beat of a narrow port are not stored.
        counters_q[9] <= counters_q[9] + count_t'(rows_stored(wgt_beat_i)) * count_t'(RowBits);
      end
      if (res_push_i) counters_q[11] <= counters_q[11] + AccBitsPerItem;
    end
  end
`else
  logic unused_inputs;
  assign unused_inputs = ^{clk_i, rst_ni, tile_i, s0_fire_i, tile_release_i, pipe_en_i,
                           s1_valid_i, s1_first_i, s1_last_i, wgt_fire_i, wgt_beat_i,
                           res_push_i};
`endif

endmodule
