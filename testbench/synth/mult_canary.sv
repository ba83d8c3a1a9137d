// A deliberate multiplier: synth_check_detects_multiplier proves the check can fail.
module mult_canary (
  input  logic [7:0]  a_i,
  input  logic [7:0]  b_i,
  output logic [15:0] p_o
);
  assign p_o = a_i * b_i;
endmodule
