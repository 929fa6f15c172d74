// tlsnic_aes_round: one AES round on one 128-bit block, combinational (latency 0).
//
// state_o = AddRoundKey(MixColumns(ShiftRows(SubBytes(state_i))), rk_i), MixColumns skipped
// when LAST = 1. 16 tlsnic_aes_sbox instances; the registers are in tlsnic_aes_pipe.
module tlsnic_aes_round #(
  parameter bit LAST = 1'b0
) (
  input  logic [127:0] state_i,
  input  logic [127:0] rk_i,
  output logic [127:0] state_o
);

  logic [127:0] sub;

  for (genvar b = 0; b < 16; b++) begin : g_sbox
    tlsnic_aes_sbox u_sbox (
      .x_i(state_i[b*8 +: 8]),
      .y_o(sub[b*8 +: 8])
    );
  end

  if (LAST) begin : g_last
    assign state_o = tlsnic_aes_pkg::aes_shift_rows(sub) ^ rk_i;
  end else begin : g_mid
    assign state_o = tlsnic_aes_pkg::aes_mix_columns(tlsnic_aes_pkg::aes_shift_rows(sub)) ^ rk_i;
  end

endmodule
