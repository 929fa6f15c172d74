// tlsnic_rx_ctx_unpack: the inverse of tlsnic_rx_ctx_pack for the fields the stored mode uses: each
// shared field reads its bits of the stored entry whatever the mode (wiring only, no logic: the
// fields of the other modes then hold bits nothing reads in this mode). Combinational.
module tlsnic_rx_ctx_unpack (
  input  tlsnic_rx_pkg::rctx_mem_t m_i,
  output tlsnic_rx_pkg::rctx_t     c_o
);

  logic unused_pad;
  assign unused_pad = ^m_i.hdr_u[103:100];

  always_comb begin
    c_o.valid     = m_i.valid;
    c_o.ver13     = m_i.ver13;
    c_o.k256      = m_i.k256;
    c_o.scan      = m_i.scan;
    c_o.key       = m_i.key;
    c_o.iv        = m_i.iv;
    c_o.mode      = m_i.mode;
    c_o.exp_sn    = m_i.exp_sn;
    c_o.off       = m_i.off;
    c_o.rlen      = m_i.rlen;
    c_o.hdr       = m_i.hdr_u;
    c_o.hist      = m_i.hdr_u[31:0];
    c_o.hist_len  = m_i.hdr_u[34:32];
    c_o.lock_seq  = m_i.hdr_u[66:35];
    c_o.lock_cnt  = m_i.hdr_u[98:67];
    c_o.req       = m_i.hdr_u[99];
    c_o.rseq      = m_i.rseq_u;
    c_o.next_rseq = m_i.rseq_u;
    c_o.rec_end   = m_i.end_u;
    c_o.scan_from = m_i.end_u;
  end

endmodule
