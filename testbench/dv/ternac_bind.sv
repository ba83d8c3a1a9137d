// Every simulation-only module of ternac, attached to the design with `bind` (docs/verification.md).
//
// The design file list (rtl/ternac.f) is what synthesis reads, and it holds no checker, counter or
// coverage point; this file and the modules it binds (testbench/dv/ternac_dv.f) are added for
// simulation only. A bind applies to every instance of the target module, whatever instantiates it.

// The stream rules, one checker for each of the four streams.
bind ternac_top ternac_stream_checker #(.Width($bits(cmd_i)), .Name("Cmd")) u_cmd_rules (
  .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(cmd_valid_i), .ready_i(cmd_ready_o), .data_i(cmd_i));
bind ternac_top ternac_stream_checker #(.Width($bits(wgt_data_i)), .Name("Wgt")) u_wgt_rules (
  .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(wgt_valid_i), .ready_i(wgt_ready_o),
  .data_i(wgt_data_i));
bind ternac_top ternac_stream_checker #(.Width($bits(act_data_i)), .Name("Act")) u_act_rules (
  .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(act_valid_i), .ready_i(act_ready_o),
  .data_i(act_data_i));
bind ternac_top ternac_stream_checker #(.Width($bits(res_data_o) + 1), .Name("Result"))
    u_res_rules (.clk_i(clk_i), .rst_ni(rst_ni), .valid_i(res_valid_o), .ready_i(res_ready_i),
                 .data_i({res_last_o, res_data_o}));

// Assertions and coverage of the modules.
bind ternac_top ternac_top_sva #(.Lanes(Lanes), .TreeInputs(TreeInputs),
                                 .LevelWidthCap(LevelWidthCap)) u_sva (
  .clk_i(clk_i), .rst_ni(rst_ni), .tree_overflow_i(status_o.tree_overflow), .res_valid_i(res_valid_o),
  .res_ready_i(res_ready_i), .res_last_i(res_last_o), .buf_wr_valid_i(buf_wr_valid),
  .buf_wr_row_valid_i(buf_wr_row_valid), .buf_wr_col_valid_i(buf_wr_col_valid));
bind ternac_ctrl ternac_ctrl_sva #(.TokenTile(TokenTile)) u_sva (
  .clk_i(clk_i), .rst_ni(rst_ni), .busy_i(busy_o), .res_push_i(res_push_o), .cp_fire_i(cp_fire),
  .cp_block_end_i(cp_block_end), .cp_block_tokens_i(cp_block_tokens), .cp_done_i(cp_done),
  .ld_done_i(ld_done), .ld_fire_i(ld_fire), .buf_rd_valid_i(buf_rd_valid_i),
  .illegal_trit_i(status_q.illegal_trit), .bad_cmd_i(status_q.bad_cmd),
  .illegal_count_i(illegal_count_q), .bad_cmd_count_i(bad_cmd_count_q),
  .illegal_in_beat_i(illegal_in_beat), .overflow_in_item_i(overflow_in_item),
  .cmd_fire_i(cmd_fire), .cmd_ok_i(cmd_ok));
bind ternac_fifo ternac_fifo_sva u_sva (
  .clk_i(clk_i), .rst_ni(rst_ni), .push_i(push_i), .full_i(full_o));
bind ternac_tile_walker ternac_tile_walker_sva u_sva (
  .clk_i(clk_i), .rst_ni(rst_ni), .start_i(start_i), .next_i(next_i), .done_i(done_q));
bind ternac_weight_buffer ternac_weight_buffer_sva u_sva (
  .clk_i(clk_i), .rst_ni(rst_ni), .rd_release_i(rd_release_i), .rd_full_i(full_q[rd_sel_q]),
  .wr_valid_i(wr_valid_i), .wr_ready_i(wr_ready_o));
bind ternac_lane ternac_lane_cov #(.TreeInputs(TreeInputs), .Datapath(Datapath)) u_cov (
  .clk_i(clk_i), .rst_ni(rst_ni), .en_i(en_i), .s0_valid_i(s0_valid_i), .act_i(act_i),
  .weight_i(weight_i));

// The energy monitors (docs/energy.md).
bind ternac_lane ternac_lane_monitor #(
  .TreeInputs(TreeInputs), .AccWidth(AccWidth), .Datapath(Datapath), .PipeEvery(PipeEvery),
  .LevelWidthCap(LevelWidthCap), .Reduction(Reduction), .SelBits($bits(probe_sel_out)),
  .Adders($size(probe_add_nz)), .AddBits($bits(probe_add_sum)), .RegBits($bits(probe_reg_q))
) u_monitor (
  .clk_i(clk_i), .rst_ni(rst_ni), .en_i(en_i), .s0_valid_i(s0_valid_i), .s1_valid_i(s1_valid_i),
  .s1_first_i(s1_first_i), .sel_pos_i(probe_sel_pos), .sel_neg_i(probe_sel_neg),
  .sel_out_i(probe_sel_out), .add_nz_i(probe_add_nz), .add_sum_i(probe_add_sum),
  .reg_q_i(probe_reg_q), .tree_we_i(tree_we), .acc_nz_i(probe_acc_nz), .acc_i(acc_o),
  .psum_we_i(psum_we), .psum_old_i(psum_q[s1_token_i]));
bind ternac_top ternac_top_monitor #(
  .WgtBeatBits($bits(wgt_data_i)), .ActBeatBits($bits(act_data_i)),
  .ResBeatBits($bits(res_data_o))
) u_monitor (
  .clk_i(clk_i), .rst_ni(rst_ni), .s0_fire_i(s0_valid & pipe_en),
  .act_fire_i(act_valid_i & act_ready_o), .wgt_fire_i(wgt_valid_i & wgt_ready_o),
  .res_fire_i(res_valid_o & res_ready_i), .s0_act_i(s0_act_q));
bind ternac_weight_buffer ternac_weight_buffer_monitor #(
  .Lanes(Lanes), .WeightRowsPerBeat(WeightRowsPerBeat), .RowBits(RowBits)
) u_monitor (
  .clk_i(clk_i), .rst_ni(rst_ni), .wr_fire_i(wr_fire), .wr_beat_i(wr_beat_i),
  .wr_sel_i(wr_sel_q), .bank_i(bank_q));
