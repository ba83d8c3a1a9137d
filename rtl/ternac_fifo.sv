// Small synchronous FIFO with a registered output, used as the result skid buffer.
//
// full_o depends on state only, so a producer that stalls on full_o has no combinational path
// from the consumer's ready. Depth >= 2 sustains one item per cycle with a registered full flag.
module ternac_fifo #(
  parameter int unsigned Width = 32,
  parameter int unsigned Depth = 2,
  localparam int unsigned PtrWidth = (Depth > 1) ? $clog2(Depth) : 1,
  localparam int unsigned CountWidth = $clog2(Depth + 1)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             push_i,
  input  logic [Width-1:0] data_i,
  output logic             full_o,
  output logic             valid_o,
  input  logic             ready_i,
  output logic [Width-1:0] data_o
);

  if (Depth < 1 || Depth > 256) begin : g_bad_depth
    $fatal(1, "ternac_fifo: Depth must be in 1..256, got %0d", Depth);
  end

  logic [Width-1:0]      mem_q [Depth];
  logic [PtrWidth-1:0]   rd_ptr_d, rd_ptr_q, wr_ptr_d, wr_ptr_q;
  logic [CountWidth-1:0] count_d, count_q;
  logic                  push, pop;

  assign full_o  = (count_q == CountWidth'(Depth));
  assign valid_o = (count_q != '0);
  assign data_o  = mem_q[rd_ptr_q];
  assign push    = push_i & ~full_o;
  assign pop     = valid_o & ready_i;

  function automatic logic [PtrWidth-1:0] next_ptr(logic [PtrWidth-1:0] ptr);
    next_ptr = (32'(ptr) == Depth - 1) ? '0 : ptr + 1'b1;
  endfunction

  always_comb begin
    rd_ptr_d = pop ? next_ptr(rd_ptr_q) : rd_ptr_q;
    wr_ptr_d = push ? next_ptr(wr_ptr_q) : wr_ptr_q;
    count_d  = count_q + CountWidth'(push) - CountWidth'(pop);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_ptr_q <= '0;
      wr_ptr_q <= '0;
      count_q  <= '0;
    end else begin
      rd_ptr_q <= rd_ptr_d;
      wr_ptr_q <= wr_ptr_d;
      count_q  <= count_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (push) begin
      mem_q[wr_ptr_q] <= data_i;
    end
  end

endmodule
