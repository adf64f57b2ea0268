/* Go's crypto/tls: uprobes on crypto/tls.(*Conn).Read and Write (attached by loader-go.c).
 *
 * Go >= 1.17 on amd64 passes arguments in registers: the receiver in RAX, the []byte as
 * RBX (pointer), RCX (length), RDI (capacity); results come back as RAX (n) and RBX/RCX (error).
 * R14 always holds the current goroutine (g). Return probes are uprobes placed by the loader on
 * each RET instruction of the two functions: a uretprobe rewrites the return address on the
 * goroutine's stack, which Go's stack growth and traceback do not expect (they crash or
 * misbehave). A goroutine may move to another thread while Read blocks, so the in-flight call is
 * keyed by (process, g) rather than by thread. */
#ifndef TAPLINE_GO_TLS_BPF_H
#define TAPLINE_GO_TLS_BPF_H

/* From *tls.Conn to the socket's fd, valid for Go 1.17 to today (docs/capture.md):
 * tls.Conn.conn is an interface (itab, data) at offset 0; its data is a *net.TCPConn whose first
 * word is the *netFD; netFD starts with poll.FD, whose Sysfd follows fdMutex (16 bytes).
 * Read-only data: one set for every Go binary (the layout has not moved since Go 1.9; a release
 * that moves it would need per-binary offsets chosen by the loader from the Go version). */
const volatile __u32 go_conn_data_off = 8;
const volatile __u32 go_netfd_off = 0;
const volatile __u32 go_sysfd_off = 16;

struct tl_go_key {
  __u32 tgid;
  __u32 _pad;
  __u64 g;
};

struct tl_go_args {
  __u64 buf;
  __s32 fd;
  __u8 dir;
  __u8 _pad[3];
};

struct { __uint(type, BPF_MAP_TYPE_LRU_HASH); __uint(max_entries, 16384); __type(key, struct tl_go_key); __type(value, struct tl_go_args); } go_inflight SEC(".maps");

/* The fd behind a *tls.Conn, or -1 when the pointers do not lead to one (not a TCPConn). */
static __always_inline __s32 go_conn_fd(__u64 conn)
{
  __u64 tcpconn = 0, netfd = 0;
  __s64 sysfd = -1;
  if (bpf_probe_read_user(&tcpconn, sizeof(tcpconn), (void *)(conn + go_conn_data_off)) || !tcpconn)
    return -1;
  if (bpf_probe_read_user(&netfd, sizeof(netfd), (void *)(tcpconn + go_netfd_off)) || !netfd)
    return -1;
  if (bpf_probe_read_user(&sysfd, sizeof(sysfd), (void *)(netfd + go_sysfd_off)))
    return -1;
  return sysfd >= 0 && sysfd < 0x7fffffff ? (__s32)sysfd : -1;
}

static __always_inline int go_enter(struct pt_regs *ctx, __u8 dir)
{
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  if (is_self(tgid))
    return 0;
  __s32 fd = go_conn_fd(ctx->ax);
  if (fd < 0)
    return 0;
  struct tl_sock_key sk = { .tgid = tgid, .fd = fd };
  struct tl_sock_info *si = bpf_map_lookup_elem(&socks, &sk);
  if (!si || si->kind != K_TCP || si->verdict == V_IGNORE || si->verdict == V_PEER)
    return 0;
  /* Its local clients' side then defers to this side (admit(), V_PEER). */
  if (!bpf_map_lookup_elem(&ssl_procs, &tgid)) {
    __u8 one = 1;
    bpf_map_update_elem(&ssl_procs, &tgid, &one, BPF_ANY);
  }
  struct tl_go_key k = { .tgid = tgid, .g = ctx->r14 };
  struct tl_go_args a = { .buf = ctx->bx, .fd = fd, .dir = dir };
  /* Entered again after a stack growth (morestack re-runs the prologue): same values. */
  bpf_map_update_elem(&go_inflight, &k, &a, BPF_ANY);
  return 0;
}

SEC("uprobe")
int tl_go_read(struct pt_regs *ctx) { return go_enter(ctx, TL_DIR_READ); }
SEC("uprobe")
int tl_go_write(struct pt_regs *ctx) { return go_enter(ctx, TL_DIR_WRITE); }

/* On every RET of both functions: RAX holds n. */
SEC("uprobe")
int tl_go_ret(struct pt_regs *ctx)
{
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  struct tl_go_key k = { .tgid = tgid, .g = ctx->r14 };
  struct tl_go_args *ap = bpf_map_lookup_elem(&go_inflight, &k);
  if (!ap)
    return 0;
  struct tl_go_args a = *ap;
  bpf_map_delete_elem(&go_inflight, &k);
  __s64 n = (__s64)ctx->ax;
  if (n <= 0)
    return 0;
  tls_plaintext(tgid, a.fd, a.buf, (__u64)n, a.dir);
  return 0;
}

#endif
