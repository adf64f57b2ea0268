/* Go's crypto/tls: uprobes on crypto/tls.(*Conn).Read and Write (attached by loader-go.c).
 *
 * Go >= 1.17 on amd64 passes arguments in registers: the receiver in RAX, the []byte as
 * RBX (pointer), RCX (length), RDI (capacity); results come back as RAX (n) and RBX/RCX (error).
 * R14 always holds the current goroutine (g). A goroutine may move to another thread while Read
 * blocks, so the in-flight call is keyed by (process, g) rather than by thread.
 *
 * What a probe costs is mostly how the kernel resumes the probed instruction: one it emulates
 * (a push, a jump, a call) costs the breakpoint trap alone (~0.9 µs here); any other is
 * single-stepped out of line, a second trap (~16 µs here: bench/uprobe-trap.ts). So, where the
 * code has Go's usual shape, Write has one probe (on the prologue's stack-check branch, copying
 * b there) and Read one (on its call to runtime.memmove, copying the record from its source;
 * its arguments come from their spill slots, or from a second probe on the stack-check branch
 * when the prologue does not spill them). Otherwise: the first instruction, and a plain uprobe
 * on each RET — never a uretprobe, which rewrites the return address on the goroutine's stack,
 * and Go's stack growth and traceback do not expect that. */
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
  __u64 len;
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

/* The socket behind a *tls.Conn, or NULL when it is not one worth reporting. */
static __always_inline struct tl_sock_info *go_sock(__u64 conn, __u32 tgid, __s32 *fd_out)
{
  if (is_self(tgid))
    return NULL;
  __s32 fd = go_conn_fd(conn);
  if (fd < 0)
    return NULL;
  struct tl_sock_key sk = { .tgid = tgid, .fd = fd };
  struct tl_sock_info *si = bpf_map_lookup_elem(&socks, &sk);
  if (!si || si->kind != K_TCP || si->verdict == V_IGNORE || si->verdict == V_PEER)
    return NULL;
  /* Its local clients' side then defers to this side (admit(), V_PEER). */
  if (!bpf_map_lookup_elem(&ssl_procs, &tgid)) {
    __u8 one = 1;
    bpf_map_update_elem(&ssl_procs, &tgid, &one, BPF_ANY);
  }
  *fd_out = fd;
  return si;
}

static __always_inline int go_enter(struct pt_regs *ctx, __u8 dir)
{
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  __s32 fd;
  if (!go_sock(ctx->ax, tgid, &fd))
    return 0;
  struct tl_go_key k = { .tgid = tgid, .g = ctx->r14 };
  struct tl_go_args a = { .buf = ctx->bx, .len = ctx->cx, .fd = fd, .dir = dir };
  /* Entered again after a stack growth (morestack re-runs the prologue): same values. */
  bpf_map_update_elem(&go_inflight, &k, &a, BPF_ANY);
  return 0;
}

/* The call this goroutine (R14) entered, taken out of the in-flight map: 0 when there is none. */
static __always_inline int go_take_inflight(struct pt_regs *ctx, __u32 tgid, struct tl_go_args *out)
{
  struct tl_go_key k = { .tgid = tgid, .g = ctx->r14 };
  struct tl_go_args *ap = bpf_map_lookup_elem(&go_inflight, &k);
  if (!ap)
    return 0;
  *out = *ap;
  bpf_map_delete_elem(&go_inflight, &k);
  return 1;
}

/* Probes on the prologue's stack-check branch (`cmp rsp, [r14+16]; jbe morestack`) instead of
 * the function's first instruction: the kernel emulates a conditional jump, where it must
 * single-step a `cmp` out of line (a second trap, ~16 µs a hit on these VMs). The
 * flags of that `cmp` say whether the branch goes to morestack (CF or ZF: jbe taken), after which
 * the prologue runs again: only the pass that falls through counts, so each call is seen once. */
#define GO_JBE_TAKEN(ctx) (((ctx)->flags & 0x41) != 0) /* CF | ZF */

SEC("uprobe")
int tl_go_read(struct pt_regs *ctx) { return go_enter(ctx, TL_DIR_READ); }
SEC("uprobe")
int tl_go_write(struct pt_regs *ctx) { return go_enter(ctx, TL_DIR_WRITE); }

/* Read, at the stack check: the buffer is remembered for the copy probe below (or a RET). */
SEC("uprobe")
int tl_go_read_jbe(struct pt_regs *ctx) { return GO_JBE_TAKEN(ctx) ? 0 : go_enter(ctx, TL_DIR_READ); }

/* Write, at the stack check: crypto/tls writes all of b or fails the connection, so the bytes
 * are copied here and Write needs no return probe at all. */
SEC("uprobe")
int tl_go_write_jbe(struct pt_regs *ctx)
{
  if (GO_JBE_TAKEN(ctx))
    return 0;
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  __s32 fd;
  __s64 n = (__s64)ctx->cx;
  if (n <= 0 || !go_sock(ctx->ax, tgid, &fd))
    return 0;
  tls_plaintext(tgid, fd, ctx->bx, (__u64)n, TL_DIR_WRITE);
  return 0;
}

/* Read, at its one `call runtime.memmove` (bytes.Reader.Read inlined: copy(b, record)): RAX is
 * b, RBX the decrypted record, RCX the count. The record is copied from RBX before memmove
 * runs, so no return probe (each RET is single-stepped) is needed. RAX must be the buffer the
 * entry saw: a code shape this does not describe copies nothing rather than something else. */
SEC("uprobe")
int tl_go_read_copy(struct pt_regs *ctx)
{
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  struct tl_go_args a;
  if (!go_take_inflight(ctx, tgid, &a))
    return 0;
  __s64 n = (__s64)ctx->cx;
  if (a.dir != TL_DIR_READ || ctx->ax != a.buf || n <= 0 || (__u64)n > a.len)
    return 0;
  tls_plaintext(tgid, a.fd, ctx->bx, (__u64)n, TL_DIR_READ);
  return 0;
}

/* Read's copy probe alone, when the prologue spills the receiver and b to their slots above the
 * return address (the loader saw it do so, and passes where they are from RSP as the cookie):
 * no entry probe, no in-flight state, one probe hit per Read. */
SEC("uprobe")
int tl_go_read_spilled(struct pt_regs *ctx)
{
  struct { __u64 conn, buf, len; } args;
  if (bpf_probe_read_user(&args, sizeof(args), (void *)(ctx->sp + bpf_get_attach_cookie(ctx))))
    return 0;
  __s64 n = (__s64)ctx->cx;
  if (ctx->ax != args.buf || n <= 0 || (__u64)n > args.len)
    return 0;
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  __s32 fd;
  if (!go_sock(args.conn, tgid, &fd))
    return 0;
  tls_plaintext(tgid, fd, ctx->bx, (__u64)n, TL_DIR_READ);
  return 0;
}

/* On every RET (Read without a copy probe, or both functions when the prologue is not the usual
 * one): RAX holds n. */
SEC("uprobe")
int tl_go_ret(struct pt_regs *ctx)
{
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  struct tl_go_args a;
  if (!go_take_inflight(ctx, tgid, &a))
    return 0;
  __s64 n = (__s64)ctx->ax;
  if (n <= 0)
    return 0;
  tls_plaintext(tgid, a.fd, a.buf, (__u64)n, a.dir);
  return 0;
}

#endif
