// One lane: TreeInputs ternary selects, an adder tree, and an accumulator per token. With
// Datapath = DatapathInt8 the selects become 8 x 8 multipliers (the INT8 baseline of the same
// geometry, for energy comparisons); everything else is shared.
//
// Stage 0 (combinational, registered at the end of the cycle): selects and reduction over one
// activation beat and this lane's row of the weight tile. Reduction picks how the operands are
// summed (ternac_pkg::Reduction*): one signed tree with negation through carry-in (the default),
// split positive and negative trees with one final subtract, or carry-save compressors with one
// final carry-propagate adder. With PipeEvery > 0 the trees hold TreeStages register stages of
// their own, and the lane delays s0_valid_i to match.
// Stage 1: accumulate. The lane keeps one partial sum per token of the current token block
// (psum_q, TokenTile deep), because the array is weight-stationary over the tokens of a block: a
// K tile of weights is applied to every token of the block before the next K tile arrives. On
// the first K tile the partial sum starts from zero; on the last one the sum leaves through acc_o
// as a result and is not written back.
module ternac_lane #(
  parameter int unsigned TreeInputs = 64,
  parameter int unsigned AccWidth   = 32,
  parameter int unsigned TokenTile  = 128,
  parameter int unsigned Datapath   = ternac_pkg::DatapathTernary,
  parameter int unsigned PipeEvery  = 0,
  parameter int unsigned LevelWidthCap = 0,
  parameter int unsigned Reduction  = ternac_pkg::ReductionSigned,
  localparam int unsigned TokenWidth = (TokenTile > 1) ? $clog2(TokenTile) : 1,
  localparam int unsigned WB         = ternac_pkg::weight_bits(Datapath)
) (
  input  logic                                 clk_i,
  input  logic                                 rst_ni,
  input  logic                                 en_i,
  // Stage 0: operands.
  input  logic                                 s0_valid_i,
  input  logic [TreeInputs*ternac_pkg::ActWidth-1:0]      act_i,
  input  logic [TreeInputs*WB-1:0]                        weight_i,
  // Stage 1: accumulation control, from the array's stage-1 register.
  input  logic                                 s1_valid_i,
  input  logic [TokenWidth-1:0]                s1_token_i,
  input  logic                                 s1_first_i,
  input  logic                                 s1_last_i,
  output logic [AccWidth-1:0]                  acc_o,
  output logic                                 overflow_o  // stage 1: a tree adder saturated
);

  localparam int unsigned OperandWidth = ternac_pkg::operand_bits(Datapath);
  localparam int unsigned TreeWidth =
      ternac_pkg::root_width(OperandWidth, TreeInputs, LevelWidthCap, Reduction);

  if (TreeInputs < 1 || TreeInputs > ternac_pkg::MaxTreeInputs) begin : g_bad_tree_inputs
    $fatal(1, "ternac_lane: TreeInputs must be in 1..%0d, got %0d", ternac_pkg::MaxTreeInputs,
           TreeInputs);
  end
  if (AccWidth < TreeWidth + 1 || AccWidth > ternac_pkg::MaxAccWidth) begin : g_bad_acc_width
    $fatal(1, "ternac_lane: AccWidth must be in %0d..%0d for TreeInputs = %0d, got %0d",
           TreeWidth + 1, ternac_pkg::MaxAccWidth, TreeInputs, AccWidth);
  end
  if (TokenTile < 1 || TokenTile > ternac_pkg::MaxTokenTile) begin : g_bad_token_tile
    $fatal(1, "ternac_lane: TokenTile must be in 1..%0d, got %0d", ternac_pkg::MaxTokenTile,
           TokenTile);
  end
  if (Datapath > ternac_pkg::DatapathInt8) begin : g_bad_datapath
    $fatal(1, "ternac_lane: Datapath must be 0 (ternary) or 1 (INT8 baseline), got %0d", Datapath);
  end
  if (Reduction > ternac_pkg::ReductionCsa) begin : g_bad_reduction
    $fatal(1, "ternac_lane: Reduction must be 0 (signed), 1 (split) or 2 (carry-save), got %0d",
           Reduction);
  end
  if (Reduction != ternac_pkg::ReductionSigned && Datapath != ternac_pkg::DatapathTernary)
  begin : g_bad_reduction_datapath
    $fatal(1, "ternac_lane: Reduction %0d needs the ternary datapath (the INT8 baseline is signed)",
           Reduction);
  end
  if (Reduction == ternac_pkg::ReductionCsa && (PipeEvery != 0 || LevelWidthCap != 0 ||
                                                TreeInputs < 3)) begin : g_bad_csa
    $fatal(1, "ternac_lane: carry-save needs PipeEvery = 0, LevelWidthCap = 0, TreeInputs >= 3");
  end

  // Stage 0: selects and tree.
  localparam int unsigned AW = ternac_pkg::ActWidth;
  localparam int unsigned OW = OperandWidth;

  localparam int unsigned TreeStages = ternac_pkg::tree_stages(TreeInputs, PipeEvery);
  localparam int unsigned CapWidth =
      ternac_pkg::level_width(OW, ternac_pkg::tree_levels(TreeInputs), LevelWidthCap);

  logic [TreeWidth-1:0] tree_sum;
  logic                 tree_carry, tree_overflow;

`ifndef SYNTHESIS
  // Simulation-only activity of this lane's datapath, for the bound energy monitor
  // (testbench/dv/ternac_lane_monitor.sv; docs/energy.md). Each select, multiplier and adder
  // reports it from its own wires, in the generate loop that builds it; the lane only gathers it:
  //   probe_sel_pos/neg  select i drove a nonzero +x / took the -x path (split: drove the +1 / -1
  //                      tree); INT8: multiplier i had a nonzero operand (probe_sel_pos)
  //   probe_sel_out      the selects' (multipliers') outputs, for their toggles, select by select
  //                      (ProbeSelWidth bits each: {carry, operand}; split {neg, pos}; INT8 the
  //                      product)
  //   probe_add_nz       adder a had a nonzero input; adders in the order of the adder entries
  //                      (ternac_pkg::entry_adder_base); probe_add_sum their outputs
  //                      (ternac_pkg::entry_bit_base)
  //   probe_reg_q        the tree's pipeline registers and the root register, for their toggles
  //   probe_acc_nz       the accumulator adder had a nonzero input
  localparam bit ProbeSplit = Reduction == ternac_pkg::ReductionSplit;
  localparam int unsigned ProbeEntries = ternac_pkg::add_entries(TreeInputs, Reduction);
  localparam int unsigned ProbeAdders =
      ternac_pkg::entry_adder_base(TreeInputs, Reduction, ProbeEntries);
  localparam int unsigned ProbeAddBits =
      ternac_pkg::entry_bit_base(OW, TreeInputs, LevelWidthCap, Reduction, ProbeEntries);
  localparam int unsigned ProbeSelWidth = ProbeSplit ? 2 * AW
                                        : (Datapath == ternac_pkg::DatapathInt8) ? OW : OW + 1;
  localparam int unsigned ProbeSelBits = TreeInputs * ProbeSelWidth;
  localparam int unsigned ProbeTreeRegBits = (Reduction == ternac_pkg::ReductionCsa) ? 0
      : (ProbeSplit ? 2 : 1)
        * ternac_pkg::tree_reg_bits_before(TreeInputs, OW, PipeEvery, LevelWidthCap,
                                           ternac_pkg::tree_levels(TreeInputs) + 1);
  localparam int unsigned ProbeRegBits = ProbeTreeRegBits + TreeWidth + 2;
  // The one-bit probes are arrays, one element per select or adder (the tree's comment says why).
  localparam int unsigned ProbeAdderSlots = ProbeAdders > 0 ? ProbeAdders : 1;
  logic                                             probe_sel_pos [TreeInputs];
  logic                                             probe_sel_neg [TreeInputs];
  logic [ProbeSelBits-1:0]                          probe_sel_out;
  logic                                             probe_add_nz [ProbeAdderSlots];
  logic [(ProbeAddBits > 0 ? ProbeAddBits : 1)-1:0] probe_add_sum;
  logic [ProbeRegBits-1:0]                          probe_reg_q;
  logic                                             probe_acc_nz;
  // Read by the bound monitor only (testbench/dv/ternac_bind.sv): unused when the lane is linted
  // alone.
  logic unused_probes;
  assign unused_probes = ^{probe_sel_pos[0], probe_sel_neg[0], probe_sel_out, probe_add_nz[0],
                           probe_add_sum, probe_reg_q, probe_acc_nz};
`endif

  if (Reduction == ternac_pkg::ReductionSplit) begin : g_split
    logic [TreeInputs*OW-1:0] pos_operand, neg_operand;
    logic [CapWidth-1:0]      pos_sum, neg_sum;
    logic                     pos_carry, neg_carry, pos_overflow, neg_overflow;
    for (genvar i = 0; i < TreeInputs; i++) begin : g_select
      ternac_select_split u_select (
        .act_i (act_i[i*AW+:AW]),
        .trit_i(weight_i[i*WB+:WB]),
        .pos_o (pos_operand[i*OW+:OW]),
        .neg_o (neg_operand[i*OW+:OW])
      );
`ifndef SYNTHESIS
      assign probe_sel_pos[i] = u_select.probe_pos;
      assign probe_sel_neg[i] = u_select.probe_neg;
      assign probe_sel_out[i*ProbeSelWidth+:ProbeSelWidth] = {u_select.neg_o, u_select.pos_o};
`endif
    end
    ternac_adder_tree #(
      .TreeInputs   (TreeInputs),
      .InWidth      (OW),
      .PipeEvery    (PipeEvery),
      .LevelWidthCap(LevelWidthCap)
    ) u_pos_tree (
      .clk_i     (clk_i),
      .en_i      (en_i),
      .operand_i (pos_operand),
      .carry_i   ('0),
      .sum_o     (pos_sum),
      .carry_o   (pos_carry),
      .overflow_o(pos_overflow)
    );
    ternac_adder_tree #(
      .TreeInputs   (TreeInputs),
      .InWidth      (OW),
      .PipeEvery    (PipeEvery),
      .LevelWidthCap(LevelWidthCap)
    ) u_neg_tree (
      .clk_i     (clk_i),
      .en_i      (en_i),
      .operand_i (neg_operand),
      .carry_i   ('0),
      .sum_o     (neg_sum),
      .carry_o   (neg_carry),
      .overflow_o(neg_overflow)
    );
    // The final subtract: pos + ~neg + 1, one bit wider than the trees, so always exact.
    logic unused_subtract_overflow;
    ternac_adder #(
      .Width(CapWidth)
    ) u_subtract (
      .a_i       (pos_sum),
      .b_i       (~neg_sum),
      .carry_i   (1'b1),
      .sum_o     (tree_sum),
      .overflow_o(unused_subtract_overflow)
    );
    assign tree_carry    = 1'b0;
    assign tree_overflow = pos_overflow | neg_overflow;
`ifndef SYNTHESIS
    // Entry e < Levels: level e + 1 of the positive tree, then of the negative tree; the last
    // entry: the final subtract.
    localparam int unsigned Levels = ternac_pkg::tree_levels(TreeInputs);
    for (genvar e = 0; e < Levels; e++) begin : g_probe_level
      localparam int unsigned N = ternac_pkg::tree_adders(TreeInputs, e + 1);
      localparam int unsigned W = ternac_pkg::level_width(OW, e + 1, LevelWidthCap);
      localparam int unsigned TreeBase = ternac_pkg::tree_adders_before(TreeInputs, e + 1);
      localparam int unsigned TreeBits =
          ternac_pkg::tree_sum_bits_before(TreeInputs, OW, LevelWidthCap, e + 1);
      localparam int unsigned Base = ternac_pkg::entry_adder_base(TreeInputs, Reduction, e);
      localparam int unsigned Bits =
          ternac_pkg::entry_bit_base(OW, TreeInputs, LevelWidthCap, Reduction, e);
      for (genvar a = 0; a < N; a++) begin : g_adder
        assign probe_add_nz[Base+a]   = u_pos_tree.probe_add_nz[TreeBase+a];
        assign probe_add_nz[Base+N+a] = u_neg_tree.probe_add_nz[TreeBase+a];
      end
      assign probe_add_sum[Bits+:N*W]       = u_pos_tree.probe_add_sum[TreeBits+:N*W];
      assign probe_add_sum[Bits+N*W+:N*W]   = u_neg_tree.probe_add_sum[TreeBits+:N*W];
    end
    assign probe_add_nz[ProbeAdders-1]               = u_subtract.probe_in_nz;
    assign probe_add_sum[ProbeAddBits-1-:TreeWidth]  = u_subtract.sum_o;
    if (ProbeTreeRegBits > 0) begin : g_probe_regs
      assign probe_reg_q[ProbeRegBits-1-:ProbeTreeRegBits] =
          {u_neg_tree.probe_reg_q, u_pos_tree.probe_reg_q};
    end
`endif
    // The trees' carry inputs are zero, so their carry outputs are too.
    logic unused_tree_carries;
    assign unused_tree_carries = pos_carry ^ neg_carry;
  end else begin : g_signed_operands
    logic [TreeInputs*OW-1:0] operand;
    logic [TreeInputs-1:0]    carry;
    if (Datapath == ternac_pkg::DatapathTernary) begin : g_ternary
      for (genvar i = 0; i < TreeInputs; i++) begin : g_select
        ternac_select u_select (
          .act_i    (act_i[i*AW+:AW]),
          .trit_i   (weight_i[i*WB+:WB]),
          .operand_o(operand[i*OW+:OW]),
          .carry_o  (carry[i])
        );
`ifndef SYNTHESIS
        assign probe_sel_pos[i] = u_select.probe_pos;
        assign probe_sel_neg[i] = u_select.probe_neg;
        assign probe_sel_out[i*ProbeSelWidth+:ProbeSelWidth] = {u_select.carry_o,
                                                                u_select.operand_o};
`endif
      end
    end else begin : g_int8
      for (genvar i = 0; i < TreeInputs; i++) begin : g_mul
        ternac_int8_mul u_mul (
          .act_i    (act_i[i*AW+:AW]),
          .weight_i (weight_i[i*WB+:WB]),
          .product_o(operand[i*OW+:OW])
        );
`ifndef SYNTHESIS
        assign probe_sel_pos[i] = u_mul.probe_active;
        assign probe_sel_out[i*ProbeSelWidth+:ProbeSelWidth] = u_mul.product_o;
`endif
      end
      assign carry = '0;
`ifndef SYNTHESIS
      for (genvar i = 0; i < TreeInputs; i++) begin : g_no_negate
        assign probe_sel_neg[i] = 1'b0;
      end
`endif
    end

    if (Reduction == ternac_pkg::ReductionCsa) begin : g_csa
      ternac_csa_tree #(
        .TreeInputs(TreeInputs),
        .InWidth   (OW)
      ) u_csa (
        .operand_i(operand),
        .carry_i  (carry),
        .sum_o    (tree_sum),
        .carry_o  (tree_carry)
      );
      assign tree_overflow = 1'b0;
`ifndef SYNTHESIS
      assign probe_add_nz  = u_csa.probe_add_nz;
      assign probe_add_sum = u_csa.probe_add_sum;
`endif
    end else begin : g_tree
      ternac_adder_tree #(
        .TreeInputs   (TreeInputs),
        .InWidth      (OW),
        .PipeEvery    (PipeEvery),
        .LevelWidthCap(LevelWidthCap)
      ) u_tree (
        .clk_i     (clk_i),
        .en_i      (en_i),
        .operand_i (operand),
        .carry_i   (carry),
        .sum_o     (tree_sum),
        .carry_o   (tree_carry),
        .overflow_o(tree_overflow)
      );
`ifndef SYNTHESIS
      assign probe_add_nz  = u_tree.probe_add_nz;
      assign probe_add_sum = u_tree.probe_add_sum;
      if (ProbeTreeRegBits > 0) begin : g_probe_regs
        assign probe_reg_q[ProbeRegBits-1-:ProbeTreeRegBits] = u_tree.probe_reg_q;
      end
`endif
    end
  end

  // Stage 1 register: datapath only, no reset needed.
  logic [TreeWidth-1:0] tree_sum_q;
  logic                 tree_carry_q, tree_overflow_q;
  logic                 tree_we;

  // The valid bit travels with the tree's own pipeline stages.
  logic tree_valid;
  if (TreeStages == 0) begin : g_no_valid_pipe
    assign tree_valid = s0_valid_i;
  end else begin : g_valid_pipe
    logic [TreeStages-1:0] valid_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        valid_q <= '0;
      end else if (en_i) begin
        valid_q <= (valid_q << 1) | TreeStages'(s0_valid_i);
      end
    end
    assign tree_valid = valid_q[TreeStages-1];
  end
  assign tree_we = en_i & tree_valid;

  always_ff @(posedge clk_i) begin
    if (tree_we) begin
      tree_sum_q      <= tree_sum;
      tree_carry_q    <= tree_carry;
      tree_overflow_q <= tree_overflow;
    end
  end

  // Stage 1: accumulate. The tree's leftover carry enters the accumulator adder as its carry-in.
  logic [AccWidth-1:0] psum_q [TokenTile];
  logic [AccWidth-1:0] acc_base;
  logic                psum_we;

  assign acc_base = s1_first_i ? '0 : psum_q[s1_token_i];
  assign acc_o    = acc_base + {{(AccWidth - TreeWidth) {tree_sum_q[TreeWidth-1]}}, tree_sum_q}
                  + {{(AccWidth - 1) {1'b0}}, tree_carry_q};
  assign psum_we  = en_i & s1_valid_i & ~s1_last_i;
  assign overflow_o = tree_overflow_q;

  always_ff @(posedge clk_i) begin
    if (psum_we) begin
      psum_q[s1_token_i] <= acc_o;
    end
  end

`ifndef SYNTHESIS
  assign probe_reg_q[TreeWidth+1:0] = {tree_overflow_q, tree_carry_q, tree_sum_q};
  assign probe_acc_nz = |{acc_base, tree_sum_q, tree_carry_q};
`endif

  // The lane's state is datapath and needs no reset (rst_ni is for the bound checkers).
  logic unused_rst_n;
  assign unused_rst_n = rst_ni;

endmodule

