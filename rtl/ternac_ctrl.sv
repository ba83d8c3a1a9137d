// Controller: accepts one GEMM command, then walks its tiles on two independent sides.
//
// Tile order (the stream protocol of docs/architecture.md): for each token block of up to
// TokenTile tokens, for each N tile of Lanes rows, for each K tile of TreeInputs columns: one
// weight tile (BeatsPerTile beats), then one activation beat per token of the block.
// - The load side accepts weight beats into the weight buffer's free bank and tells it which rows
//   and columns of the tile are real (the remainders of N and K).
// - The compute side accepts one activation beat per cycle while a full bank is available and
//   the pipeline may advance, and releases the bank when it accepts the last token of the block
//   (that beat is computed in the next cycle, from the bank it was accepted against).
// The command ends when its last result leaves stage 1 for the result FIFO.
module ternac_ctrl #(
  parameter int unsigned Lanes             = 16,
  parameter int unsigned TreeInputs        = 64,
  parameter int unsigned AccWidth          = 32,
  parameter int unsigned WeightRowsPerBeat = Lanes,
  parameter int unsigned TokenTile         = 128,
  parameter int unsigned Datapath          = ternac_pkg::DatapathTernary,
  parameter int unsigned PipeEvery         = 0,
  localparam int unsigned TreeStages       = ternac_pkg::tree_stages(TreeInputs, PipeEvery),
  localparam int unsigned RowBits          = TreeInputs * ternac_pkg::weight_bits(Datapath),
  localparam int unsigned BeatBits         = WeightRowsPerBeat * RowBits,
  localparam int unsigned BeatsPerTile     = (Lanes + WeightRowsPerBeat - 1) / WeightRowsPerBeat,
  localparam int unsigned BeatWidth        = (BeatsPerTile > 1) ? $clog2(BeatsPerTile) : 1,
  localparam int unsigned TokenWidth       = (TokenTile > 1) ? $clog2(TokenTile) : 1,
  localparam int unsigned LaneIdxWidth     = $clog2(Lanes + 1),
  localparam int unsigned ColIdxWidth      = $clog2(TreeInputs + 1)
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  // Command stream.
  input  logic                    cmd_valid_i,
  output logic                    cmd_ready_o,
  input  ternac_pkg::cmd_t        cmd_i,
  // Weight stream (the data also goes straight to the weight buffer).
  input  logic                    wgt_valid_i,
  output logic                    wgt_ready_o,
  input  logic [BeatBits-1:0]     wgt_data_i,
  // Activation stream handshake (the data goes straight to the array).
  input  logic                    act_valid_i,
  output logic                    act_ready_o,
  // Weight buffer.
  output logic                    buf_wr_valid_o,
  output logic [BeatWidth-1:0]    buf_wr_beat_o,
  output logic [LaneIdxWidth-1:0] buf_wr_row_valid_o,
  output logic [ColIdxWidth-1:0]  buf_wr_col_valid_o,
  output logic                    buf_wr_last_o,
  input  logic                    buf_wr_ready_i,
  input  logic                    buf_rd_valid_i,
  output logic                    buf_rd_release_o,
  // Pipeline.
  input  logic                    res_full_i,
  input  logic [Lanes-1:0]        lane_overflow_i,  // stage 1: lanes whose tree saturated
  output logic                    pipe_en_o,
  output logic                    s0_valid_o,
  output logic                    s0_release_o,
  output logic                    s1_valid_o,
  output logic [TokenWidth-1:0]   s1_token_o,
  output logic                    s1_first_o,
  output logic                    s1_last_o,
  output logic                    res_push_o,
  output logic                    res_last_o,
  // Status.
  input  logic                    clr_status_i,
  output logic                    busy_o,
  output ternac_pkg::status_t     status_o,
  output logic [31:0]             illegal_trit_count_o,
  output logic [31:0]             bad_cmd_count_o,
  output logic [31:0]             tree_overflow_count_o
);

  localparam int unsigned DimWidth = ternac_pkg::DimWidth;
  localparam int unsigned MaxDim   = ternac_pkg::MaxDim;
  localparam int unsigned MaxK     = ternac_pkg::max_k(AccWidth, Datapath);

  if (Lanes < 1 || Lanes > ternac_pkg::MaxLanes) begin : g_bad_lanes
    $fatal(1, "ternac_ctrl: Lanes must be in 1..%0d, got %0d", ternac_pkg::MaxLanes, Lanes);
  end
  if (TreeInputs < 1 || TreeInputs > ternac_pkg::MaxTreeInputs) begin : g_bad_tree_inputs
    $fatal(1, "ternac_ctrl: TreeInputs must be in 1..%0d, got %0d", ternac_pkg::MaxTreeInputs,
           TreeInputs);
  end
  if (WeightRowsPerBeat < 1 || WeightRowsPerBeat > Lanes) begin : g_bad_rows_per_beat
    $fatal(1, "ternac_ctrl: WeightRowsPerBeat must be in 1..Lanes (%0d), got %0d", Lanes,
           WeightRowsPerBeat);
  end
  if (TokenTile < 1 || TokenTile > ternac_pkg::MaxTokenTile) begin : g_bad_token_tile
    $fatal(1, "ternac_ctrl: TokenTile must be in 1..%0d, got %0d", ternac_pkg::MaxTokenTile,
           TokenTile);
  end

  typedef enum logic {
    StIdle = 1'b0,
    StRun  = 1'b1
  } state_e;

  typedef logic [DimWidth-1:0] dim_t;

  state_e state_d, state_q;

  // ---------------------------------------------------------------------------------------------
  // Command acceptance and validation.
  logic cmd_fire, cmd_ok, start;
  dim_t cmd_m, cmd_n, cmd_k;

  assign cmd_ready_o = (state_q == StIdle);
  assign cmd_fire    = cmd_valid_i & cmd_ready_o;
  assign cmd_ok      = (cmd_i.m != '0) && (cmd_i.m <= MaxDim)
                    && (cmd_i.n != '0) && (cmd_i.n <= MaxDim)
                    && (cmd_i.k != '0) && (cmd_i.k <= MaxK);
  assign start       = cmd_fire & cmd_ok;
  assign cmd_m       = cmd_i.m[DimWidth-1:0];
  assign cmd_n       = cmd_i.n[DimWidth-1:0];
  assign cmd_k       = cmd_i.k[DimWidth-1:0];

  // ---------------------------------------------------------------------------------------------
  // Load side: weight beats into the weight buffer.
  logic                    ld_done, ld_fire, ld_tile_end;
  logic [BeatWidth-1:0]    ld_beat_d, ld_beat_q;
  // The load side needs only the shape of the tile it loads, not where the walk stands.
  logic                    unused_ld_first_k, unused_ld_last_k, unused_ld_last_n, unused_ld_last_m;
  dim_t                    unused_ld_block_tokens;

  ternac_tile_walker #(
    .Lanes     (Lanes),
    .TreeInputs(TreeInputs),
    .TokenTile (TokenTile)
  ) u_load_walker (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .start_i       (start),
    .m_i           (cmd_m),
    .n_i           (cmd_n),
    .k_i           (cmd_k),
    .next_i        (ld_fire & ld_tile_end),
    .done_o        (ld_done),
    .first_k_o     (unused_ld_first_k),
    .last_k_o      (unused_ld_last_k),
    .last_n_o      (unused_ld_last_n),
    .last_m_o      (unused_ld_last_m),
    .block_tokens_o(unused_ld_block_tokens),
    .rows_o        (buf_wr_row_valid_o),
    .cols_o        (buf_wr_col_valid_o)
  );

  assign wgt_ready_o       = (state_q == StRun) & ~ld_done & buf_wr_ready_i;
  assign ld_fire           = wgt_valid_i & wgt_ready_o;
  assign ld_tile_end       = (32'(ld_beat_q) == BeatsPerTile - 1);
  assign buf_wr_valid_o    = ld_fire;
  assign buf_wr_beat_o     = ld_beat_q;
  assign buf_wr_last_o     = ld_tile_end;

  always_comb begin
    ld_beat_d = ld_beat_q;
    if (start || (ld_fire && ld_tile_end)) begin
      ld_beat_d = '0;
    end else if (ld_fire) begin
      ld_beat_d = ld_beat_q + 1'b1;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Compute side: activation beats into the array, one token per cycle.
  logic                  cp_done, cp_fire, cp_block_end, cp_first_k, cp_last_k, cp_last_n;
  logic                  cp_last_m, pipe_en;
  dim_t                  cp_block_tokens;
  logic [TokenWidth-1:0] cp_token_d, cp_token_q;
  // The compute side needs no tile shape: the weight buffer already zeroed the padding.
  logic [LaneIdxWidth-1:0] unused_cp_rows;
  logic [ColIdxWidth-1:0]  unused_cp_cols;

  ternac_tile_walker #(
    .Lanes     (Lanes),
    .TreeInputs(TreeInputs),
    .TokenTile (TokenTile)
  ) u_compute_walker (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .start_i       (start),
    .m_i           (cmd_m),
    .n_i           (cmd_n),
    .k_i           (cmd_k),
    .next_i        (cp_fire & cp_block_end),
    .done_o        (cp_done),
    .first_k_o     (cp_first_k),
    .last_k_o      (cp_last_k),
    .last_n_o      (cp_last_n),
    .last_m_o      (cp_last_m),
    .block_tokens_o(cp_block_tokens),
    .rows_o        (unused_cp_rows),
    .cols_o        (unused_cp_cols)
  );

  assign pipe_en          = ~res_full_i;
  assign act_ready_o      = (state_q == StRun) & ~cp_done & buf_rd_valid_i
                          & pipe_en;
  assign cp_fire          = act_valid_i & act_ready_o;
  assign cp_block_end     = (DimWidth'(cp_token_q) == cp_block_tokens - 1'b1);
  assign buf_rd_release_o = cp_fire & cp_block_end;

  always_comb begin
    cp_token_d = cp_token_q;
    if (start || (cp_fire && cp_block_end)) begin
      cp_token_d = '0;
    end else if (cp_fire) begin
      cp_token_d = cp_token_q + 1'b1;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Stage 0 and stage 1 control. An accepted activation beat is registered (the top level's
  // stage-0 input register) and computed in the next cycle; its control bundle travels beside it,
  // through TreeStages more registers when the trees are pipelined, to stage 1 (aligned with the
  // lanes' tree register). Everything holds while the pipeline stalls.
  // Bundle: {valid, token, first K tile, last K tile, last item of the command}.
  localparam int unsigned CtlBits = TokenWidth + 4;
  localparam int unsigned CtlStages = TreeStages + 2;  // stage 0, the tree's stages, stage 1

  logic [CtlBits-1:0] ctl_pipe_q [CtlStages];
  logic [CtlBits-1:0] ctl_in, s1_ctl;
  logic               s0_release_q;
  logic               s1_valid_q, s1_first_q, s1_last_q, s1_cmd_last_q;
  logic [TokenWidth-1:0] s1_token_q;

  assign ctl_in = {cp_fire, cp_token_q, cp_first_k, cp_last_k,
                   cp_block_end & cp_last_k & cp_last_n & cp_last_m};
  assign s1_ctl = ctl_pipe_q[CtlStages-1];
  assign {s1_valid_q, s1_token_q, s1_first_q, s1_last_q, s1_cmd_last_q} = s1_ctl;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int unsigned i = 0; i < CtlStages; i++) ctl_pipe_q[i] <= '0;
      s0_release_q <= 1'b0;
    end else if (pipe_en) begin
      ctl_pipe_q[0] <= ctl_in;
      for (int unsigned i = 1; i < CtlStages; i++) ctl_pipe_q[i] <= ctl_pipe_q[i-1];
      s0_release_q <= cp_fire & cp_block_end;
    end
  end

  assign pipe_en_o    = pipe_en;
  assign s0_valid_o   = ctl_pipe_q[0][CtlBits-1];
  assign s0_release_o = s0_release_q;
  assign s1_valid_o = s1_valid_q;
  assign s1_token_o = s1_token_q;
  assign s1_first_o = s1_first_q;
  assign s1_last_o  = s1_last_q;
  assign res_push_o = pipe_en & s1_valid_q & s1_last_q;
  assign res_last_o = s1_cmd_last_q;

  // ---------------------------------------------------------------------------------------------
  always_comb begin
    state_d = state_q;
    if (start) begin
      state_d = StRun;
    end else if (res_push_o && s1_cmd_last_q) begin
      state_d = StIdle;
    end
  end

  assign busy_o = (state_q == StRun);

  // ---------------------------------------------------------------------------------------------
  // Sticky status bits and saturating event counters.
  // (The replication count stays positive in an illegal configuration, so that the elaboration
  // check above, not this line, is what reports it.)
  localparam logic [BeatBits-1:0] NegateBits = {((BeatBits > 1 ? BeatBits : 2) / 2) {2'b10}};

  logic [BeatBits-1:0] illegal_bits;
  logic [31:0]         illegal_in_beat;
  ternac_pkg::status_t status_d, status_q;
  logic [31:0]         illegal_count_d, illegal_count_q, bad_cmd_count_d, bad_cmd_count_q;
  logic [31:0]         overflow_count_d, overflow_count_q, overflow_in_item;

  // Lanes of a stage-1 item whose tree saturated somewhere (0 in full-precision trees).
  assign overflow_in_item = 32'($countones(lane_overflow_i & {Lanes{pipe_en & s1_valid_q}}));

  // An illegal code has its negate bit (odd position) set and its nonzero bit (even) clear. INT8
  // weights have no illegal value.
  if (Datapath == ternac_pkg::DatapathTernary) begin : g_illegal
    assign illegal_bits = wgt_data_i & ~(wgt_data_i << 1) & NegateBits;
  end else begin : g_no_illegal
    assign illegal_bits = '0;
    logic unused_wgt_data;
    assign unused_wgt_data = ^wgt_data_i;
  end
  assign illegal_in_beat = 32'($countones(illegal_bits));

  function automatic logic [31:0] sat_add(logic [31:0] a, logic [31:0] b);
    logic [32:0] s;
    s       = {1'b0, a} + {1'b0, b};
    sat_add = s[32] ? '1 : s[31:0];
  endfunction

  always_comb begin
    status_d        = status_q;
    illegal_count_d = illegal_count_q;
    bad_cmd_count_d = bad_cmd_count_q;
    overflow_count_d = overflow_count_q;
    if (clr_status_i) begin
      status_d         = '0;
      illegal_count_d  = '0;
      bad_cmd_count_d  = '0;
      overflow_count_d = '0;
    end
    if (overflow_in_item != '0) begin
      status_d.tree_overflow = 1'b1;
      overflow_count_d       = sat_add(overflow_count_d, overflow_in_item);
    end
    if (ld_fire && (illegal_in_beat != '0)) begin
      status_d.illegal_trit = 1'b1;
      illegal_count_d       = sat_add(illegal_count_d, illegal_in_beat);
    end
    if (cmd_fire && !cmd_ok) begin
      status_d.bad_cmd = 1'b1;
      bad_cmd_count_d  = sat_add(bad_cmd_count_d, 32'd1);
    end
  end

  assign status_o             = status_q;
  assign illegal_trit_count_o = illegal_count_q;
  assign bad_cmd_count_o      = bad_cmd_count_q;
  assign tree_overflow_count_o = overflow_count_q;

  // ---------------------------------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q         <= StIdle;
      ld_beat_q       <= '0;
      cp_token_q      <= '0;
      status_q        <= '0;
      illegal_count_q <= '0;
      bad_cmd_count_q <= '0;
      overflow_count_q <= '0;
    end else begin
      state_q         <= state_d;
      ld_beat_q       <= ld_beat_d;
      cp_token_q      <= cp_token_d;
      status_q        <= status_d;
      illegal_count_q <= illegal_count_d;
      bad_cmd_count_q <= bad_cmd_count_d;
      overflow_count_q <= overflow_count_d;
    end
  end

endmodule
