// tb_ghash_top: bench wrapper of the GHASH unit as the GCM datapath uses it: H enters
// tlsnic_ghash_powers, everything else waits the 2 cycles the powers take, then tlsnic_ghash
// folds the beat. Latency valid_i -> valid_o: 4 enabled cycles.
module tb_ghash_top #(
  parameter int unsigned LANES = 1,
  localparam int unsigned CW   = $clog2(LANES + 1)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 en_i,
  input  logic                 valid_i,
  input  logic [127:0]         h_i,
  input  logic [LANES*128-1:0] blk_i,
  input  logic [CW-1:0]        nblk_i,
  input  logic [127:0]         acc_i,
  input  logic                 chain_i,
  input  logic [31:0]          sb_i,
  output logic                 valid_o,
  output logic [127:0]         acc_o,
  output logic [31:0]          sb_o
);

  localparam int unsigned DW = 1 + LANES * 128 + CW + 128 + 1 + 32;

  logic [LANES*128-1:0] hpow;
  logic [DW-1:0] d0, d1_q, d2_q;
  logic v2;
  logic [LANES*128-1:0] blk2;
  logic [CW-1:0] nblk2;
  logic [127:0] acc2;
  logic chain2;
  logic [31:0] sb2;

  tlsnic_ghash_powers #(.LANES(LANES)) u_pow (
    .clk_i, .en_i, .h_i, .hpow_o(hpow)
  );

  assign d0 = {valid_i, blk_i, nblk_i, acc_i, chain_i, sb_i};
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      d1_q <= d0;
      d2_q <= d1_q;
    end
  end
  assign {v2, blk2, nblk2, acc2, chain2, sb2} = d2_q;

  tlsnic_ghash #(.LANES(LANES), .SB_W(32)) u_ghash (
    .clk_i, .rst_ni, .en_i,
    .valid_i(v2 & rst_ni), .blk_i(blk2), .nblk_i(nblk2), .hpow_i(hpow),
    .acc_i(acc2), .chain_i(chain2), .sb_i(sb2),
    .valid_o, .acc_o, .sb_o
  );

endmodule
