// Energy monitor of one lane: simulation only, bound to every ternac_lane (ternac_bind.sv).
//
// It adds up what the lane's selects, multipliers and adders report about themselves through
// their simulation-only probe_* signals (docs/energy.md): it never re-derives the tree from the
// weights, so a select that leaks an operand or an adder that loses an input changes what it
// counts. model/core/op_counts.cpp predicts the operation counts independently; the toggles are
// checked against the gate-level simulation of the same lane (docs/energy.md).
//
// Operation counts are taken in the cycles where a valid item is at that part of the datapath
// and the pipeline advances (a pipelined tree's level computes its item some cycles after stage
// 0); toggles, in a model given +ternac_toggles, in every cycle out of reset, as the output bits
// that differ from the cycle before. The harness reads every ternac_counters_q of the monitor's
// scopes (the lane's, and one per adder entry) and adds each counter to the array's counter
// that ternac_counter_ids names (ternac_dv_pkg::counter_e).
//
// Counters: the ternac_counters_q arrays are updated with blocking assignments in their clocked
// processes (BLKSEQ waived there and only there). Nothing in the simulation reads a counter in
// the time step it changes (the harness reads them between evaluations), so the result is the
// same as with "<=", and Verilator then skips its delayed-assignment bookkeeping for every array
// element (a flag and a shadow value per element and cycle): 7 % of the default array's
// simulation time (docs/performance.md).
module ternac_lane_monitor #(
  parameter int unsigned TreeInputs    = 64,
  parameter int unsigned AccWidth      = 32,
  parameter int unsigned Datapath      = ternac_pkg::DatapathTernary,
  parameter int unsigned PipeEvery     = 0,
  parameter int unsigned LevelWidthCap = 0,
  parameter int unsigned Reduction     = ternac_pkg::ReductionSigned,
  // Widths of the lane's probes (as the lane declares them).
  parameter int unsigned SelBits       = 1,
  parameter int unsigned Adders        = 1,
  parameter int unsigned AddBits       = 1,
  parameter int unsigned RegBits       = 1
) (
  input logic                  clk_i,
  input logic                  rst_ni,
  input logic                  en_i,
  input logic                  s0_valid_i,
  input logic                  s1_valid_i,
  input logic                  s1_first_i,
  input logic                  sel_pos_i [TreeInputs],  // one element per select
  input logic                  sel_neg_i [TreeInputs],
  input logic [SelBits-1:0]    sel_out_i,
  input logic                  add_nz_i [Adders],       // one element per adder
  input logic [AddBits-1:0]    add_sum_i,
  input logic [RegBits-1:0]    reg_q_i,
  input logic                  tree_we_i,
  input logic                  acc_nz_i,
  input logic [AccWidth-1:0]   acc_i,
  input logic                  psum_we_i,
  input logic [AccWidth-1:0]   psum_old_i   // the partial sum a write replaces
);

  import ternac_dv_pkg::*;

  localparam int unsigned OW      = ternac_pkg::operand_bits(Datapath);
  localparam int unsigned Entries = ternac_pkg::add_entries(TreeInputs, Reduction);
  localparam int unsigned Stages  = (Reduction == ternac_pkg::ReductionCsa) ? 0
                                  : ternac_pkg::tree_stages(TreeInputs, PipeEvery);
  localparam bit          Int8    = Datapath == ternac_pkg::DatapathInt8;
  localparam int unsigned SelWidth = SelBits / TreeInputs;  // output bits of one select

  // The lane's counters (in g_lane); each adder entry keeps its two in its own scope (g_entry[e]).
  localparam int unsigned LSelPos = 0, LSelNeg = 1, LSelZero = 2, LMuls = 3, LAccAdds = 4,
                          LRegBits = 5, LPsumRead = 6, LPsumWrite = 7, LTogSelPos = 8,
                          LTogSelNeg = 9, LTogSelZero = 10, LTogMul = 11, LTogAcc = 12,
                          LTogReg = 13, LTogPsum = 14, N = 15;

  // Toggles cost simulation time: they are counted only in a model Verilated with
  // +define+TERNAC_TOGGLES (ternac_rtl_model(... TOGGLES)); without it, nothing reads the lane's
  // output probes and Verilator removes them.
`ifdef TERNAC_TOGGLES
  localparam bit CountToggles = 1'b1;
`else
  localparam bit CountToggles = 1'b0;
`endif

  // Which register stages hold a valid item: stage 0 (the selects and the levels before the
  // first tree register) and each register stage of a pipelined tree after it.
  logic [Stages:0] stage_valid;
  assign stage_valid[0] = s0_valid_i;
  if (Stages > 0) begin : g_stages
    logic [Stages-1:0] valid_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) valid_q <= '0;
      else if (en_i) valid_q <= (valid_q << 1) | Stages'(s0_valid_i);
    end
    assign stage_valid[Stages:1] = valid_q;
  end

  // Per adder entry, in its own scope: the adds with a nonzero input in a cycle where the entry's
  // stage computes a valid item, and the entry's output toggles.
  for (genvar e = 0; e < Entries; e++) begin : g_entry
    localparam int unsigned Base  = ternac_pkg::entry_adder_base(TreeInputs, Reduction, e);
    localparam int unsigned Count = ternac_pkg::entry_adders(TreeInputs, Reduction, e);
    localparam int unsigned BitBase =
        ternac_pkg::entry_bit_base(OW, TreeInputs, LevelWidthCap, Reduction, e);
    localparam int unsigned Bits =
        Count * ternac_pkg::entry_out_bits(OW, TreeInputs, LevelWidthCap, Reduction, e);
    localparam int unsigned Stage = ternac_pkg::entry_stage(TreeInputs, PipeEvery, Reduction, e);

    longint unsigned ternac_counters_q  [2] /*verilator public_flat_rd*/;
    int unsigned     ternac_counter_ids [2] /*verilator public_flat_rd*/;
    logic [Bits-1:0] sum_q;
    int unsigned     adds;  // the entry's adders with a nonzero input in this cycle

    always_comb begin
      adds = 0;
      for (int unsigned a = 0; a < Count; a++) adds += 32'(add_nz_i[Base+a]);
    end

    initial begin
      ternac_counter_ids[0] = entry_adds_id(e);
      ternac_counter_ids[1] = entry_toggles_id(e);
    end

    always_ff @(posedge clk_i) begin
      if (CountToggles) sum_q <= add_sum_i[BitBase+:Bits];
    end

    // Blocking updates: see "Counters" in the header.
    /* verilator lint_off BLKSEQ */
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        ternac_counters_q[0] = '0;
        ternac_counters_q[1] = '0;
      end else begin
        if (en_i && stage_valid[Stage]) begin
          ternac_counters_q[0] = ternac_counters_q[0] + 64'(adds);
        end
        if (CountToggles) begin
          ternac_counters_q[1] = ternac_counters_q[1]
                                + 64'($countones(add_sum_i[BitBase+:Bits] ^ sum_q));
        end
      end
    end
    /* verilator lint_on BLKSEQ */
  end
  if (Entries == 0) begin : g_no_entry
    logic unused_adders;
    assign unused_adders = ^{add_nz_i[0], add_sum_i, stage_valid};
  end

  // The previous cycle's outputs, for the toggles.
  logic [SelBits-1:0]  sel_out_q;
  logic [RegBits-1:0]  reg_q_q;
  logic [AccWidth-1:0] acc_q;

  always_ff @(posedge clk_i) begin
    if (CountToggles) begin
      sel_out_q <= sel_out_i;
      reg_q_q   <= reg_q_i;
      acc_q     <= acc_i;
    end
  end

  // The lane's own counters, in a scope of their own beside the entries' (g_lane).
  if (1) begin : g_lane
    longint unsigned ternac_counters_q  [N] /*verilator public_flat_rd*/;
    int unsigned     ternac_counter_ids [N] /*verilator public_flat_rd*/;
    bit              ternac_counts_toggles /*verilator public_flat_rd*/;  // as the top's

    initial begin
      ternac_counts_toggles           = CountToggles;
      ternac_counter_ids[LSelPos]     = CntSelPos;
      ternac_counter_ids[LSelNeg]     = CntSelNeg;
      ternac_counter_ids[LSelZero]    = CntSelZero;
      ternac_counter_ids[LMuls]       = CntMuls;
      ternac_counter_ids[LAccAdds]    = CntAccAdds;
      ternac_counter_ids[LRegBits]    = CntRegPipeBits;
      ternac_counter_ids[LPsumRead]   = CntPsumReadBits;
      ternac_counter_ids[LPsumWrite]  = CntPsumWriteBits;
      ternac_counter_ids[LTogSelPos]  = CntTogSelPos;
      ternac_counter_ids[LTogSelNeg]  = CntTogSelNeg;
      ternac_counter_ids[LTogSelZero] = CntTogSelZero;
      ternac_counter_ids[LTogMul]     = CntTogMul;
      ternac_counter_ids[LTogAcc]     = CntTogAcc;
      ternac_counter_ids[LTogReg]     = CntTogRegTree;
      ternac_counter_ids[LTogPsum]    = CntTogPsum;
    end

    int unsigned sel_pos, sel_neg;  // selects that drove +x / took the -x path in this cycle
    always_comb begin
      sel_pos = 0;
      sel_neg = 0;
      for (int unsigned i = 0; i < TreeInputs; i++) begin
        sel_pos += 32'(sel_pos_i[i]);
        sel_neg += 32'(sel_neg_i[i]);
      end
    end

    // Blocking updates: see "Counters" in the header.
    /* verilator lint_off BLKSEQ */
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        for (int unsigned i = 0; i < N; i++) ternac_counters_q[i] = '0;
      end else begin
        if (en_i && s0_valid_i) begin
          if (Int8) begin
            ternac_counters_q[LMuls] = ternac_counters_q[LMuls] + 64'(sel_pos);
          end else begin
            ternac_counters_q[LSelPos]  = ternac_counters_q[LSelPos] + 64'(sel_pos);
            ternac_counters_q[LSelNeg]  = ternac_counters_q[LSelNeg] + 64'(sel_neg);
            ternac_counters_q[LSelZero] = ternac_counters_q[LSelZero]
                                         + 64'(TreeInputs) - 64'(sel_pos) - 64'(sel_neg);
          end
        end
        if (en_i && s1_valid_i && acc_nz_i) begin
          ternac_counters_q[LAccAdds] = ternac_counters_q[LAccAdds] + 64'd1;
        end
        if (tree_we_i) ternac_counters_q[LRegBits] = ternac_counters_q[LRegBits] + 64'(RegBits);
        if (en_i && s1_valid_i && !s1_first_i) begin
          ternac_counters_q[LPsumRead] = ternac_counters_q[LPsumRead] + 64'(AccWidth);
        end
        if (psum_we_i) begin
          ternac_counters_q[LPsumWrite] = ternac_counters_q[LPsumWrite] + 64'(AccWidth);
        end
        if (CountToggles) begin
          // Each select's output toggles, by what the select does in this cycle.
          longint unsigned pos, neg, zero;
          pos  = '0;
          neg  = '0;
          zero = '0;
          for (int unsigned i = 0; i < TreeInputs; i++) begin
            automatic longint unsigned t =
                64'($countones(sel_out_i[i*SelWidth+:SelWidth] ^ sel_out_q[i*SelWidth+:SelWidth]));
            if (Int8 || sel_pos_i[i]) pos = pos + t;
            else if (sel_neg_i[i])    neg = neg + t;
            else                      zero = zero + t;
          end
          if (Int8) begin
            ternac_counters_q[LTogMul] = ternac_counters_q[LTogMul] + pos;
          end else begin
            ternac_counters_q[LTogSelPos]  = ternac_counters_q[LTogSelPos] + pos;
            ternac_counters_q[LTogSelNeg]  = ternac_counters_q[LTogSelNeg] + neg;
            ternac_counters_q[LTogSelZero] = ternac_counters_q[LTogSelZero] + zero;
          end
          ternac_counters_q[LTogAcc] = ternac_counters_q[LTogAcc] + 64'($countones(acc_i ^ acc_q));
          ternac_counters_q[LTogReg] = ternac_counters_q[LTogReg]
                                      + 64'($countones(reg_q_i ^ reg_q_q));
          if (psum_we_i) begin
            ternac_counters_q[LTogPsum] = ternac_counters_q[LTogPsum]
                                         + 64'($countones(acc_i ^ psum_old_i));
          end
        end
      end
    end
    /* verilator lint_on BLKSEQ */
  end

endmodule
