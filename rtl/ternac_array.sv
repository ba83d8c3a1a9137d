// Lanes lanes side by side. Every lane sees the same broadcast activation beat and its own row of
// the weight tile, so the array performs Lanes x TreeInputs ternary MACs per cycle at peak.
module ternac_array #(
  parameter int unsigned Lanes      = 16,
  parameter int unsigned TreeInputs = 64,
  parameter int unsigned AccWidth   = 32,
  parameter int unsigned TokenTile  = 128,
  parameter int unsigned Datapath   = ternac_pkg::DatapathTernary,
  parameter int unsigned PipeEvery  = 0,
  parameter int unsigned LevelWidthCap = 0,
  parameter int unsigned Reduction  = ternac_pkg::ReductionSigned,
  localparam int unsigned TokenWidth = (TokenTile > 1) ? $clog2(TokenTile) : 1,
  localparam int unsigned RowBits    = TreeInputs * ternac_pkg::weight_bits(Datapath)
) (
  input  logic                                             clk_i,
  input  logic                                             rst_ni,
  input  logic                                             en_i,
  input  logic                                             s0_valid_i,
  input  logic [TreeInputs*ternac_pkg::ActWidth-1:0]        act_i,
  input  logic [Lanes*RowBits-1:0]                          weight_i,
  input  logic                                             s1_valid_i,
  input  logic [TokenWidth-1:0]                            s1_token_i,
  input  logic                                             s1_first_i,
  input  logic                                             s1_last_i,
  output logic [Lanes*AccWidth-1:0]                         acc_o,
  output logic [Lanes-1:0]                                  overflow_o
);

  if (Lanes < 1 || Lanes > ternac_pkg::MaxLanes) begin : g_bad_lanes
    $fatal(1, "ternac_array: Lanes must be in 1..%0d, got %0d", ternac_pkg::MaxLanes, Lanes);
  end

  for (genvar j = 0; j < Lanes; j++) begin : g_lane
    ternac_lane #(
      .TreeInputs(TreeInputs),
      .AccWidth  (AccWidth),
      .TokenTile (TokenTile),
      .Datapath  (Datapath),
      .PipeEvery (PipeEvery),
      .LevelWidthCap(LevelWidthCap),
      .Reduction (Reduction)
    ) u_lane (
      .clk_i     (clk_i),
      .rst_ni    (rst_ni),
      .en_i      (en_i),
      .s0_valid_i(s0_valid_i),
      .act_i     (act_i),
      .weight_i  (weight_i[j*RowBits+:RowBits]),
      .s1_valid_i(s1_valid_i),
      .s1_token_i(s1_token_i),
      .s1_first_i(s1_first_i),
      .s1_last_i (s1_last_i),
      .acc_o     (acc_o[j*AccWidth+:AccWidth]),
      .overflow_o(overflow_o[j])
    );
  end

endmodule
