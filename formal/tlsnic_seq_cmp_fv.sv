// tlsnic_seq_cmp_fv: the TCP sequence compares (tlsnic_pkg::seq_lt / seq_leq,
// tlsnic_rx_pkg::too_far) equal their definitions for all 2^64 input pairs (issue 18). Read after
// rtl/common/tlsnic_pkg.sv and rtl/rx/tlsnic_rx_pkg.sv with `read_verilog -sv -formal`; combinational,
// so a one-step check (scripts/formal.sh: yosys-smtbmc -t 1) is the whole proof.
//   seq_lt(a, b)   == signed 32-bit (a - b) <  0   (models/tcp-seq.ts seqLt, Linux before())
//   seq_leq(a, b)  == signed 32-bit (a - b) <= 0   (seqLeq)
//   too_far(a, b)  == signed 32-bit (a - b) >  MaxAdvance = 2^26 (models/nic-rx.ts, rule 6a)
//   seq_lt(a, b)   == RFC 1982 section 3.2 "i1 < i2" wherever RFC 1982 defines it, i.e. unless
//                     a - b == 2^31 (there seq_lt holds both ways, as the signed difference says).
module tlsnic_seq_cmp_fv (
  input logic [31:0] a,
  input logic [31:0] b
);
  logic [31:0] d;
  logic        lt, leq, far, rfc_lt;
  assign d      = a - b;
  assign lt     = tlsnic_pkg::seq_lt(a, b);
  assign leq    = tlsnic_pkg::seq_leq(a, b);
  assign far    = tlsnic_rx_pkg::too_far(a, b);
  assign rfc_lt = (a < b && b - a < 32'h8000_0000) || (a > b && a - b > 32'h8000_0000);

  always @* begin
    assert (lt == ($signed(d) < 0));
    assert (leq == ($signed(d) <= 0));
    assert (far == ($signed(d) > $signed(32'h0400_0000)));
    if (d != 32'h8000_0000) assert (lt == rfc_lt);
  end
endmodule
