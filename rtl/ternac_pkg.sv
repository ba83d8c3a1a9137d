// Shared types, encodings and limits of the ternac array.
//
// The C++ golden model mirrors every item here in model/config.h and model/trit.h; the test
// config_agreement checks that both sides agree through the array's hw_config_o port.
package ternac_pkg;

  // Activations are signed int8, as produced by BitLinear's per-token absmax quantization.
  localparam int unsigned ActWidth = 8;

  // A weight is one 2-bit trit code. Bit 0 says "nonzero", bit 1 says "negate": a select unit
  // gates its operand with bit 0 and conditionally inverts it with bit 1. The fourth code
  // (negate without nonzero) is illegal; it raises a sticky status bit and is treated as zero.
  localparam int unsigned TritWidth = 2;
  typedef enum logic [TritWidth-1:0] {
    TritZero    = 2'b00,
    TritPos     = 2'b01,
    TritIllegal = 2'b10,
    TritNeg     = 2'b11
  } trit_e;

  // Datapath of the lanes: the ternary select-and-add datapath, or the INT8 multiply-and-add
  // baseline of the same geometry (for energy comparisons only; it has multipliers).
  localparam int unsigned DatapathTernary = 0;
  localparam int unsigned DatapathInt8    = 1;

  // Reduction of a lane's operands (ternac_lane's Reduction):
  //   ReductionSigned: one signed binary tree; a negation is an inverted operand plus a carry-in.
  //   ReductionSplit:  a binary tree over the +1 operands, one over the -1 operands, and one final
  //                    subtract (no inversion in the selects: each is two AND gates).
  //   ReductionCsa:    3:2 carry-save compressors down to two values, then one carry-propagate
  //                    adder; negation carries enter the free low bit of each carry vector.
  localparam int unsigned ReductionSigned = 0;
  localparam int unsigned ReductionSplit  = 1;
  localparam int unsigned ReductionCsa    = 2;

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
  localparam int unsigned DimWidth = 24;
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

  // Adder-energy counters after the fixed ones (ternac_energy_counters): one per tree level, plus
  // the final subtract of the split trees, or one per 3:2 level plus the final carry-propagate add.
  function automatic int unsigned add_entries(int unsigned inputs, int unsigned reduction);
    add_entries = (reduction == ReductionSigned) ? tree_levels(inputs)
                : (reduction == ReductionSplit)  ? tree_levels(inputs) + 1
                                                 : csa_levels(inputs) + 1;
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
