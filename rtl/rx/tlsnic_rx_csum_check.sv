// tlsnic_rx_csum_check: rule 4 of the RX engine (docs/rx-engine-model.md): the IPv4 header
// checksum and the TCP checksum of a received packet, combinational, checked on its last beat.
// view_i: the frame's first 96 bytes (byte 0 in [7:0]); l3_i, l4_i: offsets of the IP and TCP
// headers; sum_i: the 32-bit one's-complement running sum of the TCP segment's bytes (the beats'
// tlsnic_csum_beat sums). IPv6 has no header checksum (ip_ok_o high).
module tlsnic_rx_csum_check (
  input  logic [767:0] view_i,
  input  logic [7:0]   l3_i,
  input  logic [7:0]   l4_i,
  input  logic [16:0]  tcp_len_i,
  input  logic [31:0]  sum_i,
  output logic         ip_ok_o,
  output logic         tcp_ok_o
);

  always_comb begin
    logic [31:0] s;
    logic [8:0]  l4;
    logic [7:0]  ihl;
    logic        vl;
    vl  = l3_i == 8'd18;
    l4  = {1'b0, l4_i};
    ihl = tlsnic_rx_pkg::ipbyte(view_i, vl, 0);
    s = '0;
    for (int k = 0; k < 30; k++) begin
      if (k != 5 && 9'(2 * k) < {3'b0, ihl[3:0], 2'b0})
        s = s + {16'h0, tlsnic_rx_pkg::ipbyte(view_i, vl, 2 * k), tlsnic_rx_pkg::ipbyte(view_i, vl, 2 * k + 1)};
    end
    s = tlsnic_pkg::fold16(s);
    ip_ok_o = (ihl >> 4) == 8'd6 || (~s[15:0]) == {tlsnic_rx_pkg::ipbyte(view_i, vl, 10), tlsnic_rx_pkg::ipbyte(view_i, vl, 11)};
    // Pseudo-header: protocol 6 and the TCP length; the addresses are inside the summed bytes'
    // mask (tlsnic_pkt_parse); the received checksum field is summed too and gives all ones.
    s = tlsnic_pkg::fold16(sum_i + 32'd6 + {15'h0, tcp_len_i}
          + {16'h0, tlsnic_rx_pkg::vbyte(view_i, l4 + 9'd16), tlsnic_rx_pkg::vbyte(view_i, l4 + 9'd17)});
    tcp_ok_o = s[15:0] == 16'hffff;
  end

endmodule
