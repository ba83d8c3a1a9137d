// ternac top level: controller, double-buffered weight store, lane array and result FIFO.
//
// Streams (valid/ready, AXI4-Stream style; a beat moves in a cycle where both are high):
//   cmd  one GEMM command {k, n, m}
//   wgt  WeightRowsPerBeat rows of TreeInputs trit codes per beat, BeatsPerTile beats per tile
//   act  TreeInputs int8 activations per beat, one beat per token per tile
//   res  Lanes results of AccWidth bits per beat, res_last_o on the final beat of a command
// docs/architecture.md gives the order of the beats and the timing of every stream.
module ternac_top #(
  parameter int unsigned Lanes             = 16,
  parameter int unsigned TreeInputs        = 64,
  parameter int unsigned AccWidth          = 32,
  parameter int unsigned WeightRowsPerBeat = Lanes,
  parameter int unsigned TokenTile         = 128,
  parameter int unsigned Datapath          = ternac_pkg::DatapathTernary,
  parameter int unsigned PipeEvery         = 0,
  parameter int unsigned LevelWidthCap     = 0,
  parameter int unsigned Reduction         = ternac_pkg::ReductionSigned,
  localparam int unsigned RowBits          = TreeInputs * ternac_pkg::weight_bits(Datapath),
  localparam int unsigned TokenWidth       = (TokenTile > 1) ? $clog2(TokenTile) : 1,
  localparam int unsigned BeatsPerTile     = (Lanes + WeightRowsPerBeat - 1) / WeightRowsPerBeat,
  localparam int unsigned BeatWidth        = (BeatsPerTile > 1) ? $clog2(BeatsPerTile) : 1,
  localparam int unsigned LaneIdxWidth     = $clog2(Lanes + 1),
  localparam int unsigned ColIdxWidth      = $clog2(TreeInputs + 1)
) (
  input  logic                                      clk_i,
  input  logic                                      rst_ni,
  input  logic                                      cmd_valid_i,
  output logic                                      cmd_ready_o,
  input  ternac_pkg::cmd_t                                      cmd_i,
  input  logic                                      wgt_valid_i,
  output logic                                      wgt_ready_o,
  input  logic [WeightRowsPerBeat*RowBits-1:0]      wgt_data_i,
  input  logic                                      act_valid_i,
  output logic                                      act_ready_o,
  input  logic [TreeInputs*ternac_pkg::ActWidth-1:0] act_data_i,
  output logic                                      res_valid_o,
  input  logic                                      res_ready_i,
  output logic [Lanes*AccWidth-1:0]                 res_data_o,
  output logic                                      res_last_o,
  input  logic                                      clr_status_i,
  output logic                                      busy_o,
  output ternac_pkg::status_t                                   status_o,
  output logic [31:0]                               illegal_trit_count_o,
  output logic [31:0]                               bad_cmd_count_o,
  output logic [31:0]                               tree_overflow_count_o,
  output ternac_pkg::hw_config_t                                hw_config_o
);

  logic                          buf_wr_valid, buf_wr_last, buf_wr_ready;
  logic [BeatWidth-1:0]          buf_wr_beat;
  logic [LaneIdxWidth-1:0]       buf_wr_row_valid;
  logic [ColIdxWidth-1:0]        buf_wr_col_valid;
  logic                          buf_rd_valid, buf_rd_release;
  logic [Lanes*RowBits-1:0]      tile;
  logic                          pipe_en, s0_valid, s0_release, s1_valid, s1_first, s1_last;
  logic [TokenWidth-1:0]         s1_token;
  logic                          res_push, res_push_last, res_full;
  logic [Lanes*AccWidth-1:0]     acc;
  logic [Lanes-1:0]              lane_overflow;

  ternac_ctrl #(
    .Lanes            (Lanes),
    .TreeInputs       (TreeInputs),
    .AccWidth         (AccWidth),
    .WeightRowsPerBeat(WeightRowsPerBeat),
    .TokenTile        (TokenTile),
    .Datapath         (Datapath),
    .PipeEvery        (PipeEvery)
  ) u_ctrl (
    .clk_i               (clk_i),
    .rst_ni              (rst_ni),
    .cmd_valid_i         (cmd_valid_i),
    .cmd_ready_o         (cmd_ready_o),
    .cmd_i               (cmd_i),
    .wgt_valid_i         (wgt_valid_i),
    .wgt_ready_o         (wgt_ready_o),
    .wgt_data_i          (wgt_data_i),
    .act_valid_i         (act_valid_i),
    .act_ready_o         (act_ready_o),
    .buf_wr_valid_o      (buf_wr_valid),
    .buf_wr_beat_o       (buf_wr_beat),
    .buf_wr_row_valid_o  (buf_wr_row_valid),
    .buf_wr_col_valid_o  (buf_wr_col_valid),
    .buf_wr_last_o       (buf_wr_last),
    .buf_wr_ready_i      (buf_wr_ready),
    .buf_rd_valid_i      (buf_rd_valid),
    .buf_rd_release_o    (buf_rd_release),
    .res_full_i          (res_full),
    .lane_overflow_i     (lane_overflow),
    .pipe_en_o           (pipe_en),
    .s0_valid_o          (s0_valid),
    .s0_release_o        (s0_release),
    .s1_valid_o          (s1_valid),
    .s1_token_o          (s1_token),
    .s1_first_o          (s1_first),
    .s1_last_o           (s1_last),
    .res_push_o          (res_push),
    .res_last_o          (res_push_last),
    .clr_status_i        (clr_status_i),
    .busy_o              (busy_o),
    .status_o            (status_o),
    .illegal_trit_count_o(illegal_trit_count_o),
    .bad_cmd_count_o     (bad_cmd_count_o),
    .tree_overflow_count_o(tree_overflow_count_o)
  );

  ternac_weight_buffer #(
    .Lanes            (Lanes),
    .TreeInputs       (TreeInputs),
    .WeightRowsPerBeat(WeightRowsPerBeat),
    .WeightBits       (ternac_pkg::weight_bits(Datapath))
  ) u_weight_buffer (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .wr_valid_i    (buf_wr_valid),
    .wr_data_i     (wgt_data_i),
    .wr_beat_i     (buf_wr_beat),
    .wr_row_valid_i(buf_wr_row_valid),
    .wr_col_valid_i(buf_wr_col_valid),
    .wr_last_i     (buf_wr_last),
    .wr_ready_o    (buf_wr_ready),
    .rd_valid_o    (buf_rd_valid),
    .rd_release_i  (buf_rd_release),
    .cp_released_i (s0_release),
    .cp_hold_i     (s0_valid & ~pipe_en),
    .rd_data_o     (tile)
  );

  // Stage-0 input register: an accepted activation beat is registered; the selects and trees
  // compute from it in the next cycle, with the weight bank it was accepted against (the weight
  // buffer derives it from s0_release). The array's inputs are then all registers (the
  // activation port does not fan out into the trees in the cycle it arrives), at one cycle of
  // latency and TreeInputs x 8 register bits.
  // Datapath: loaded only when a beat is taken, no reset needed (s0_valid qualifies it).
  logic                                       act_fire;
  logic [TreeInputs*ternac_pkg::ActWidth-1:0] s0_act_q;

  assign act_fire = act_valid_i & act_ready_o;

  always_ff @(posedge clk_i) begin
    if (act_fire) s0_act_q <= act_data_i;
  end

  ternac_array #(
    .Lanes     (Lanes),
    .TreeInputs(TreeInputs),
    .AccWidth  (AccWidth),
    .TokenTile (TokenTile),
    .Datapath  (Datapath),
    .PipeEvery (PipeEvery),
    .LevelWidthCap(LevelWidthCap),
    .Reduction (Reduction)
  ) u_array (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .en_i      (pipe_en),
    .s0_valid_i(s0_valid),
    .act_i     (s0_act_q),
    .weight_i  (tile),
    .s1_valid_i(s1_valid),
    .s1_token_i(s1_token),
    .s1_first_i(s1_first),
    .s1_last_i (s1_last),
    .acc_o     (acc),
    .overflow_o(lane_overflow)
  );

  // Result FIFO: one entry more than the pipeline can hold in flight, so that with res_ready_i
  // always high the pipeline never stalls, and full is a registered flag.
  ternac_fifo #(
    .Width(Lanes * AccWidth + 1),
    .Depth(2)
  ) u_res_fifo (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .push_i (res_push),
    .data_i ({res_push_last, acc}),
    .full_o (res_full),
    .valid_o(res_valid_o),
    .ready_i(res_ready_i),
    .data_o ({res_last_o, res_data_o})
  );

  assign hw_config_o.reduction            = 8'(Reduction);
  assign hw_config_o.datapath             = 8'(Datapath);
  assign hw_config_o.pipe_every           = 8'(PipeEvery);
  assign hw_config_o.level_width_cap      = 8'(LevelWidthCap);
  assign hw_config_o.lanes                = 16'(Lanes);
  assign hw_config_o.tree_inputs          = 16'(TreeInputs);
  assign hw_config_o.acc_width            = 8'(AccWidth);
  assign hw_config_o.weight_rows_per_beat = 16'(WeightRowsPerBeat);
  assign hw_config_o.token_tile           = 16'(TokenTile);

  // Stream rules, assertions, coverage and the energy counters are simulation-only modules bound
  // to this one from testbench/dv/ternac_dv.f (docs/verification.md); synthesis reads only the
  // design list rtl/ternac.f.

endmodule
