// Shared types, encodings and limits of the ternac array.
//
// The C++ golden model mirrors every item here in model/core/config.h and model/core/trit.h; the test
// config_agreement checks that both sides agree through the array's hw_config_o port.
package ternac_pkg;

  // Activations are signed int8, as produced by BitLinear's per-token absmax quantization.
  // Constants marked public are emitted by Verilator into the C++ model, where the golden
  // model's mirror (model/core/config.h) is checked against them at compile time
  // (sim/pkg_mirror.cpp).
  localparam int unsigned ActWidth /*verilator public*/ = 8;

  // Legal ranges of the array's parameters (the modules' elaboration checks; ArrayConfig::validate
  // in C++ and `ternac config --check` apply the same rules). AccWidth's lower bound depends on
  // the tree: root_width() + 1; LevelWidthCap is 0 or operand_bits + 1 .. operand_bits + MaxCapGrowth.
  localparam int unsigned MaxLanes      /*verilator public*/ = 1024;
  localparam int unsigned MaxTreeInputs /*verilator public*/ = 4096;
  localparam int unsigned MaxTokenTile  /*verilator public*/ = 4096;
  localparam int unsigned MaxAccWidth   /*verilator public*/ = 64;
  localparam int unsigned MaxPipeEvery  /*verilator public*/ = 12;
  localparam int unsigned MaxCapGrowth  /*verilator public*/ = 12;

  // A weight is one 2-bit trit code. Bit 0 says "nonzero", bit 1 says "negate": a select unit
  // gates its operand with bit 0 and conditionally inverts it with bit 1. The fourth code
  // (negate without nonzero) is illegal; it raises a sticky status bit and is treated as zero.
  localparam int unsigned TritWidth /*verilator public*/ = 2;
  typedef enum logic [TritWidth-1:0] {
    TritZero    = 2'b00,
    TritPos     = 2'b01,
    TritIllegal = 2'b10,
    TritNeg     = 2'b11
  } trit_e;

  // Datapath of the lanes: the ternary select-and-add datapath, or the INT8 multiply-and-add
  // baseline of the same geometry (for energy comparisons only; it has multipliers).
  localparam int unsigned DatapathTernary /*verilator public*/ = 0;
  localparam int unsigned DatapathInt8    /*verilator public*/ = 1;

  // Reduction of a lane's operands (ternac_lane's Reduction):
  //   ReductionSigned: one signed binary tree; a negation is an inverted operand plus a carry-in.
  //   ReductionSplit:  a binary tree over the +1 operands, one over the -1 operands, and one final
  //                    subtract (no inversion in the selects: each is two AND gates).
  //   ReductionCsa:    3:2 carry-save compressors down to two values, then one carry-propagate
  //                    adder; negation carries enter the free low bit of each carry vector.
  localparam int unsigned ReductionSigned /*verilator public*/ = 0;
  localparam int unsigned ReductionSplit  /*verilator public*/ = 1;
  localparam int unsigned ReductionCsa    /*verilator public*/ = 2;

  // Bits of one weight on the weight stream and in the weight buffer.
  function automatic int unsigned weight_bits(int unsigned datapath);
    weight_bits = (datapath == DatapathTernary) ? TritWidth : 8;
  endfunction

  // Bits of one tree operand: a selected int8, or an int8 x int8 product.
  function automatic int unsigned operand_bits(int unsigned datapath);
    operand_bits = (datapath == DatapathInt8) ? 2 * ActWidth : ActWidth;
  endfunction

  // Command fields are 32 bits wide on the interface; legal values are 1 .. MaxDim (and K is
  // further limited so that the accumulator can never overflow, see max_k()).
  localparam int unsigned CmdFieldWidth = 32;
  localparam int unsigned DimWidth /*verilator public*/ = 24;
  localparam int unsigned MaxDim = (1 << DimWidth) - 1;

  // One GEMM command: Y[M x N] = X[M x K] * W^T with W of N x K trits.
  typedef struct packed {
    logic [CmdFieldWidth-1:0] k;
    logic [CmdFieldWidth-1:0] n;
    logic [CmdFieldWidth-1:0] m;
  } cmd_t;

  // Sticky error bits, cleared by reset or clr_status_i.
  typedef struct packed {
    logic tree_overflow; // a width-capped tree saturated (LevelWidthCap > 0 only)
    logic bad_cmd;       // a command with a field out of range was dropped
    logic illegal_trit;  // a weight beat carried TritIllegal
  } status_t;

  // What the hardware was built with, readable by the host (a capability register).
  typedef struct packed {
    logic [7:0]  reduction;
    logic [7:0]  level_width_cap;
    logic [7:0]  pipe_every;
    logic [7:0]  datapath;
    logic [15:0] lanes;
    logic [15:0] tree_inputs;
    logic [7:0]  acc_width;
    logic [15:0] weight_rows_per_beat;
    logic [15:0] token_tile;
  } hw_config_t;

  // Fewest levels of a binary adder tree over `inputs` operands (0 for a single operand).
  function automatic int unsigned tree_levels(int unsigned inputs);
    tree_levels = (inputs <= 1) ? 0 : $clog2(inputs);
  endfunction

  // Register stages inside a tree of `inputs` operands registered after every `pipe_every`-th
  // level except the last (ternac_adder_tree's PipeEvery).
  function automatic int unsigned tree_stages(int unsigned inputs, int unsigned pipe_every);
    tree_stages = (pipe_every == 0 || tree_levels(inputs) == 0) ? 0
                : (tree_levels(inputs) - 1) / pipe_every;
  endfunction

  // Width of the sums at `level` of a tree over operand_width-bit operands: one bit more per level
  // (full precision), or capped at `cap` bits when cap > 0 (a level at the cap saturates).
  function automatic int unsigned level_width(int unsigned operand_width, int unsigned level,
                                              int unsigned cap);
    level_width = (cap > 0 && operand_width + level > cap) ? cap : operand_width + level;
  endfunction

  // Nodes at `level` of the tree: ceil(inputs / 2^level). An odd node passes through unchanged.
  function automatic int unsigned tree_nodes(int unsigned inputs, int unsigned level);
    tree_nodes = (inputs + (1 << level) - 1) >> level;
  endfunction

  // Values left after `level` levels of 3:2 compression of `inputs` values: every group of three
  // becomes a sum and a carry vector, the one or two values left over pass through.
  function automatic int unsigned csa_count(int unsigned inputs, int unsigned level);
    int unsigned c;
    c = inputs;
    for (int unsigned l = 0; l < 32; l++) begin
      if (l < level && c > 2) c = 2 * (c / 3) + c % 3;
    end
    csa_count = c;
  endfunction

  // 3:2 levels that bring `inputs` values down to two (each level removes at least one value, and
  // 4096 inputs need 19 levels, so 32 iterations always suffice).
  function automatic int unsigned csa_levels(int unsigned inputs);
    int unsigned c, n;
    c = inputs;
    n = 0;
    for (int unsigned l = 0; l < 32; l++) begin
      if (c > 2) begin
        c = 2 * (c / 3) + c % 3;
        n = n + 1;
      end
    end
    csa_levels = n;
  endfunction

  // Compressors in the levels before `level` (the global index of that level's first one).
  function automatic int unsigned csa_before(int unsigned inputs, int unsigned level);
    int unsigned n;
    n = 0;
    for (int unsigned l = 0; l < 32; l++) begin
      if (l < level) n = n + csa_count(inputs, l) / 3;
    end
    csa_before = n;
  endfunction

  // Width of a lane's reduced sum (the register before the accumulator, without the carry):
  // the root of the signed tree, one bit more for the split trees' final subtract, and the full
  // precision operand_width + levels for carry-save (a CSA is exact modulo 2^width only).
  function automatic int unsigned root_width(int unsigned operand_width, int unsigned inputs,
                                             int unsigned cap, int unsigned reduction);
    root_width = (reduction == ReductionCsa) ? operand_width + tree_levels(inputs)
               : level_width(operand_width, tree_levels(inputs), cap)
                 + ((reduction == ReductionSplit) ? 1 : 0);
  endfunction

  // ---------------------------------------------------------------------------------------------
  // The adders of a lane, grouped into adder entries (one energy class each): one per tree level
  // (both trees' level with split trees), plus the final subtract of the split trees, or one per
  // 3:2 level plus the final carry-propagate add. The lane exposes its adders' simulation-only
  // activity in this order (entry by entry), and the functions below give the layout.
  function automatic int unsigned add_entries(int unsigned inputs, int unsigned reduction);
    add_entries = (reduction == ReductionSplit) ? tree_levels(inputs) + 1
                : (reduction == ReductionCsa)   ? csa_levels(inputs) + 1
                                                : tree_levels(inputs);
  endfunction

  // Adders at `level` >= 1 of a binary tree over `inputs` operands (adjacent pairs add, an odd
  // last node passes through).
  function automatic int unsigned tree_adders(int unsigned inputs, int unsigned level);
    tree_adders = (level == 0) ? 0 : tree_nodes(inputs, level - 1) / 2;
  endfunction

  // Adders in the levels of a binary tree before `level` (the index of that level's first one),
  // and the bits of their outputs (operand_width-bit operands, levels capped at `cap`).
  function automatic int unsigned tree_adders_before(int unsigned inputs, int unsigned level);
    int unsigned n;
    n = 0;
    for (int unsigned l = 1; l < 32; l++) begin
      if (l < level) n = n + tree_adders(inputs, l);
    end
    tree_adders_before = n;
  endfunction

  function automatic int unsigned tree_sum_bits_before(int unsigned inputs, int unsigned operand_width,
                                                       int unsigned cap, int unsigned level);
    int unsigned n;
    n = 0;
    for (int unsigned l = 1; l < 32; l++) begin
      if (l < level) n = n + tree_adders(inputs, l) * level_width(operand_width, l, cap);
    end
    tree_sum_bits_before = n;
  endfunction

  // Whether a pipelined tree (PipeEvery = pipe_every) registers the output of `level`, and the
  // register stage the adders of `level` (>= 1) compute in (0: the stage-0 cycle).
  function automatic bit tree_level_registered(int unsigned inputs, int unsigned pipe_every,
                                               int unsigned level);
    tree_level_registered = pipe_every > 0 && level > 0 && level < tree_levels(inputs)
                          && level % pipe_every == 0;
  endfunction

  function automatic int unsigned tree_level_stage(int unsigned pipe_every, int unsigned level);
    tree_level_stage = (pipe_every == 0 || level == 0) ? 0 : (level - 1) / pipe_every;
  endfunction

  // Register bits of a pipelined tree's registered levels before `level` (each holds its sums,
  // its pending carries and the overflow flag).
  function automatic int unsigned tree_reg_bits_before(int unsigned inputs, int unsigned operand_width,
                                                       int unsigned pipe_every, int unsigned cap,
                                                       int unsigned level);
    int unsigned n;
    n = 0;
    for (int unsigned l = 1; l < 32; l++) begin
      if (l < level && tree_level_registered(inputs, pipe_every, l)) begin
        n = n + tree_nodes(inputs, l) * (level_width(operand_width, l, cap) + 1) + 1;
      end
    end
    tree_reg_bits_before = n;
  endfunction

  // Adders of adder entry `entry` in one lane, and the output bits of each (a 3:2 compressor's
  // sum and carry vectors; the final adds' sums).
  function automatic int unsigned entry_adders(int unsigned inputs, int unsigned reduction,
                                               int unsigned entry);
    if (reduction == ReductionCsa) begin
      entry_adders = (entry < csa_levels(inputs)) ? csa_count(inputs, entry) / 3 : 1;
    end else if (reduction == ReductionSplit) begin
      entry_adders = (entry < tree_levels(inputs)) ? 2 * tree_adders(inputs, entry + 1) : 1;
    end else begin
      entry_adders = tree_adders(inputs, entry + 1);
    end
  endfunction

  function automatic int unsigned entry_out_bits(int unsigned operand_width, int unsigned inputs,
                                                 int unsigned cap, int unsigned reduction,
                                                 int unsigned entry);
    if (reduction == ReductionCsa) begin
      entry_out_bits = (entry < csa_levels(inputs) ? 2 : 1)
                     * (operand_width + tree_levels(inputs));
    end else if (reduction == ReductionSplit && entry == tree_levels(inputs)) begin
      entry_out_bits = root_width(operand_width, inputs, cap, reduction);
    end else begin
      entry_out_bits = level_width(operand_width, entry + 1, cap);
    end
  endfunction

  // The register stage an adder entry computes in (the final adds: the trees' last stage).
  function automatic int unsigned entry_stage(int unsigned inputs, int unsigned pipe_every,
                                              int unsigned reduction, int unsigned entry);
    entry_stage = (reduction == ReductionCsa) ? 0
                : tree_level_stage(pipe_every, (entry < tree_levels(inputs)) ? entry + 1
                                                                             : tree_levels(inputs));
  endfunction

  // The first adder of entry `entry` in the lane's order, and the first bit of its outputs.
  function automatic int unsigned entry_adder_base(int unsigned inputs, int unsigned reduction,
                                                   int unsigned entry);
    int unsigned n;
    n = 0;
    for (int unsigned e = 0; e < 32; e++) begin
      if (e < entry) n = n + entry_adders(inputs, reduction, e);
    end
    entry_adder_base = n;
  endfunction

  function automatic int unsigned entry_bit_base(int unsigned operand_width, int unsigned inputs,
                                                 int unsigned cap, int unsigned reduction,
                                                 int unsigned entry);
    int unsigned n;
    n = 0;
    for (int unsigned e = 0; e < 32; e++) begin
      if (e < entry) begin
        n = n + entry_adders(inputs, reduction, e)
              * entry_out_bits(operand_width, inputs, cap, reduction, e);
      end
    end
    entry_bit_base = n;
  endfunction

  // Largest K for which |acc| <= K * 2^(operand_bits - 1) fits in a signed acc_width-bit
  // accumulator (128 K for the ternary datapath, 16384 K for INT8), capped at MaxDim. With K
  // within this bound no accumulator can overflow, whatever the data.
  function automatic int unsigned max_k(int unsigned acc_width, int unsigned datapath);
    longint unsigned bound;
    bound = ((64'd1 << (acc_width - 1)) - 64'd1) >> (operand_bits(datapath) - 1);
    max_k = (bound > 64'(MaxDim)) ? MaxDim : 32'(bound);
  endfunction

endpackage
