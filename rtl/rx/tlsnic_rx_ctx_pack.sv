// tlsnic_rx_ctx_pack: an RX context (tlsnic_rx_pkg::rctx_t) as the context table stores it
// (rctx_mem_t, issue 16). The fields of modes that never hold at once share storage, chosen by
// the context's mode (docs/rx-engine-model.md 4.1):
//   hdr_u   the tracker's header bytes (sync, and skip/wait, where nothing else is kept there),
//           or in scan and lock {4'b0, req, lock_cnt, lock_seq, hist_len, hist};
//   rseq_u  the tracker's record number, or in skip the number of the record at rec_end
//           (next_rseq);
//   end_u   rec_end (skip, lock), or in wait scan_from.
// Combinational (latency 0): one 2:1 select per shared bit. tlsnic_rx_ctx_unpack is its inverse
// for every field the stored mode uses.
module tlsnic_rx_ctx_pack (
  input  tlsnic_rx_pkg::rctx_t     c_i,
  output tlsnic_rx_pkg::rctx_mem_t m_o
);

  logic hist_mode, skip_mode, wait_mode;
  assign hist_mode = c_i.mode == tlsnic_rx_pkg::ModeScan || c_i.mode == tlsnic_rx_pkg::ModeLock;
  assign skip_mode = c_i.mode == tlsnic_rx_pkg::ModeSkip;
  assign wait_mode = c_i.mode == tlsnic_rx_pkg::ModeWait;

  always_comb begin
    m_o.valid  = c_i.valid;
    m_o.ver13  = c_i.ver13;
    m_o.k256   = c_i.k256;
    m_o.scan   = c_i.scan;
    m_o.key    = c_i.key;
    m_o.iv     = c_i.iv;
    m_o.mode   = c_i.mode;
    m_o.exp_sn = c_i.exp_sn;
    m_o.off    = c_i.off;
    m_o.rlen   = c_i.rlen;
    m_o.hdr_u  = hist_mode ? {4'b0, c_i.req, c_i.lock_cnt, c_i.lock_seq, c_i.hist_len, c_i.hist} : c_i.hdr;
    m_o.rseq_u = skip_mode ? c_i.next_rseq : c_i.rseq;
    m_o.end_u  = wait_mode ? c_i.scan_from : c_i.rec_end;
  end

endmodule
