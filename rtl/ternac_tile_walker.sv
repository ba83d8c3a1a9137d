// Walks the tiles of one GEMM command in the array's order: K tile fastest, then N tile, then
// token block. It keeps "what is left" counters (tokens from the current block on, rows from the
// current N tile on, columns from the current K tile on) instead of tile indices, so it needs no
// divider for any M, N, K and any Lanes, TreeInputs or TokenTile. The controller runs two of
// these: one for the weight load side and one for the compute side.
module ternac_tile_walker #(
  parameter int unsigned Lanes        = 16,
  parameter int unsigned TreeInputs   = 64,
  parameter int unsigned TokenTile    = 128,
  localparam int unsigned DimWidth     = ternac_pkg::DimWidth,
  localparam int unsigned LaneIdxWidth = $clog2(Lanes + 1),
  localparam int unsigned ColIdxWidth  = $clog2(TreeInputs + 1)
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic                    start_i,    // load a new command (takes priority over next_i)
  input  logic [DimWidth-1:0]     m_i,
  input  logic [DimWidth-1:0]     n_i,
  input  logic [DimWidth-1:0]     k_i,
  input  logic                    next_i,     // move on to the next tile
  output logic                    done_o,     // every tile has been walked
  output logic                    first_k_o,  // the current tile is the first K tile
  output logic                    last_k_o,
  output logic                    last_n_o,
  output logic                    last_m_o,
  output logic [DimWidth-1:0]     block_tokens_o,  // tokens in the current block
  output logic [LaneIdxWidth-1:0] rows_o,          // real rows of the current N tile
  output logic [ColIdxWidth-1:0]  cols_o           // real columns of the current K tile
);

  typedef logic [DimWidth-1:0] dim_t;

  dim_t m_left_d, m_left_q, n_left_d, n_left_q, k_left_d, k_left_q, n_d, n_q, k_d, k_q;
  logic done_d, done_q;

  assign last_k_o       = (k_left_q <= DimWidth'(TreeInputs));
  assign last_n_o       = (n_left_q <= DimWidth'(Lanes));
  assign last_m_o       = (m_left_q <= DimWidth'(TokenTile));
  assign first_k_o      = (k_left_q == k_q);
  assign done_o         = done_q;
  assign block_tokens_o = last_m_o ? m_left_q : DimWidth'(TokenTile);
  assign rows_o         = last_n_o ? LaneIdxWidth'(n_left_q) : LaneIdxWidth'(Lanes);
  assign cols_o         = last_k_o ? ColIdxWidth'(k_left_q) : ColIdxWidth'(TreeInputs);

  always_comb begin
    m_left_d = m_left_q;
    n_left_d = n_left_q;
    k_left_d = k_left_q;
    n_d      = n_q;
    k_d      = k_q;
    done_d   = done_q;
    if (start_i) begin
      m_left_d = m_i;
      n_left_d = n_i;
      k_left_d = k_i;
      n_d      = n_i;
      k_d      = k_i;
      done_d   = 1'b0;
    end else if (next_i) begin
      if (!last_k_o) begin
        k_left_d = k_left_q - DimWidth'(TreeInputs);
      end else begin
        k_left_d = k_q;
        if (!last_n_o) begin
          n_left_d = n_left_q - DimWidth'(Lanes);
        end else begin
          n_left_d = n_q;
          if (!last_m_o) begin
            m_left_d = m_left_q - DimWidth'(TokenTile);
          end else begin
            done_d = 1'b1;
          end
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      m_left_q <= '0;
      n_left_q <= '0;
      k_left_q <= '0;
      n_q      <= '0;
      k_q      <= '0;
      done_q   <= 1'b1;
    end else begin
      m_left_q <= m_left_d;
      n_left_q <= n_left_d;
      k_left_q <= k_left_d;
      n_q      <= n_d;
      k_q      <= k_d;
      done_q   <= done_d;
    end
  end

endmodule
