// tlsnic_rx_front_cover.svh: the functional cover points of tlsnic_rx_front (`tlsnic coverage`,
// docs/architecture.md "Coverage"), included inside its `ifndef SYNTHESIS block, where they read
// the front end's signals by name. Kept apart from the logic, as a coverage model.
  // Functional cover points (simulation only; `tlsnic coverage`, docs/architecture.md "Coverage"):
  // every packet decision, every mode change of a walked item and of a resync response, every
  // record position a packet can start at in sync, each item shape of the tracker, each control
  // path, and back-pressure at the input (also behind a control frame) and in FP. The counters'
  // cover points are in tlsnic_rx_verdict, the install steps' in tlsnic_rx_install.
  logic cov_dec, cov_walk, cov_pkt0, cov_ctl;
  logic [14:0] cov_hl;
  assign cov_dec  = rst_ni && fp_item && dec_now;
  assign cov_walk = rst_ni && fp_item && loads;
  assign cov_pkt0 = rst_ni && fp_item && dec_now && trk_on;
  assign cov_ctl  = rst_ni && c_last && en_i && c_done;
  assign cov_hl   = ist.ver13 ? 15'd5 : 15'd13;
  c_dec_plain:   cover property (@(posedge clk_i) cov_dec && dec_val == tlsnic_rx_pkg::DecPlain);
  c_dec_nopay:   cover property (@(posedge clk_i) cov_dec && dec_val == tlsnic_rx_pkg::DecNoPay);
  c_dec_old:     cover property (@(posedge clk_i) cov_dec && dec_val == tlsnic_rx_pkg::DecOld);
  c_dec_far:     cover property (@(posedge clk_i) cov_dec && dec_val == tlsnic_rx_pkg::DecFar);
  c_dec_walk:    cover property (@(posedge clk_i) cov_dec && dec_val == tlsnic_rx_pkg::DecWalk);
  c_dec_overlap: cover property (@(posedge clk_i) cov_dec && dec_val == tlsnic_rx_pkg::DecWalk && skip_cur);
  c_dec_gap:     cover property (@(posedge clk_i) cov_dec && d_gap);
  c_sync_skip:   cover property (@(posedge clk_i) cov_walk && st.mode == tlsnic_rx_pkg::ModeSync && st_nx.mode == tlsnic_rx_pkg::ModeSkip);
  c_sync_wait:   cover property (@(posedge clk_i) cov_walk && st.mode == tlsnic_rx_pkg::ModeSync && st_nx.mode == tlsnic_rx_pkg::ModeWait);
  c_skip_sync:   cover property (@(posedge clk_i) cov_walk && st.mode == tlsnic_rx_pkg::ModeSkip && st_nx.mode == tlsnic_rx_pkg::ModeSync);
  c_skip_wait:   cover property (@(posedge clk_i) cov_walk && st.mode == tlsnic_rx_pkg::ModeSkip && st_nx.mode == tlsnic_rx_pkg::ModeWait);
  c_wait_scan:   cover property (@(posedge clk_i) cov_walk && st.mode == tlsnic_rx_pkg::ModeWait && st_nx.mode == tlsnic_rx_pkg::ModeScan);
  c_scan_lock:   cover property (@(posedge clk_i) cov_walk && st.mode == tlsnic_rx_pkg::ModeScan && st_nx.mode == tlsnic_rx_pkg::ModeLock);
  c_lock_scan:   cover property (@(posedge clk_i) cov_walk && st.mode == tlsnic_rx_pkg::ModeLock && st_nx.mode == tlsnic_rx_pkg::ModeScan);
  c_lock_wait:   cover property (@(posedge clk_i) cov_walk && st.mode == tlsnic_rx_pkg::ModeLock && st_nx.mode == tlsnic_rx_pkg::ModeWait);
  c_lock_follow: cover property (@(posedge clk_i) cov_walk && st.mode == tlsnic_rx_pkg::ModeLock && st_nx.lock_cnt != st.lock_cnt);
  c_res_skip:    cover property (@(posedge clk_i) cov_ctl && !c_err && c_op == tlsnic_rx_pkg::OpResync && c_res_ok && c_res.mode == tlsnic_rx_pkg::ModeSkip);
  c_res_sync:    cover property (@(posedge clk_i) cov_ctl && !c_err && c_op == tlsnic_rx_pkg::OpResync && c_res_ok && c_res.mode == tlsnic_rx_pkg::ModeSync);
  c_res_host:    cover property (@(posedge clk_i) cov_ctl && !c_err && c_op == tlsnic_rx_pkg::OpResync && c_res_ok && !c_res_end);
  c_res_refused: cover property (@(posedge clk_i) cov_ctl && !c_err && c_op == tlsnic_rx_pkg::OpResync && !c_res_ok);
  c_pkt_at_rec:  cover property (@(posedge clk_i) cov_pkt0 && ist.off == 15'd0);
  c_pkt_in_hdr:  cover property (@(posedge clk_i) cov_pkt0 && ist.off != 15'd0 && ist.off < 15'd5);
  c_pkt_in_nonce: cover property (@(posedge clk_i) cov_pkt0 && !ist.ver13 && ist.off >= 15'd5 && ist.off < 15'd13);
  c_pkt_in_body: cover property (@(posedge clk_i) cov_pkt0 && ist.rlen != 15'd0 && ist.off >= cov_hl && ist.off + 15'd16 < ist.rlen);
  c_pkt_in_tag:  cover property (@(posedge clk_i) cov_pkt0 && ist.rlen != 15'd0 && ist.off + 15'd16 >= ist.rlen);
  c_it_start:    cover property (@(posedge clk_i) rst_ni && fp_item && trk_on && !trk_bad && start_a);
  c_it_fin:      cover property (@(posedge clk_i) rst_ni && fp_item && trk_on && !trk_bad && fin_a);
  c_it_slot_b:   cover property (@(posedge clk_i) rst_ni && fp_item && trk_on && !trk_bad && b_start);
  c_it_cut:      cover property (@(posedge clk_i) rst_ni && fp_item && it_cut);
  c_it_bad:      cover property (@(posedge clk_i) rst_ni && fp_item && trk_on && trk_bad);
  c_ctl_install: cover property (@(posedge clk_i) cov_ctl && !c_err && c_op == tlsnic_rx_pkg::OpInstall);
  c_ctl_delete:  cover property (@(posedge clk_i) cov_ctl && !c_err && c_op == tlsnic_rx_pkg::OpDelete);
  c_ctl_error:   cover property (@(posedge clk_i) cov_ctl && c_err);
  c_zeroize:     cover property (@(posedge clk_i) rst_ni && en_i && zx);
  c_stall_in:    cover property (@(posedge clk_i) rst_ni && s_tvalid_i && !s_tready_o && !init_q && !in_block);
  c_stall_ctl:   cover property (@(posedge clk_i) rst_ni && s_tvalid_i && in_block);
  c_stall_fp:    cover property (@(posedge clk_i) rst_ni && !en_i && fp_valid_q);
