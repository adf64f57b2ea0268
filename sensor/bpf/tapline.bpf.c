// SPDX-License-Identifier: GPL-2.0
/* Tapline's kernel side: observe (never modify) the HTTP bytes that TCP sockets carry, and the
 * plaintext behind OpenSSL's SSL_read/SSL_write. Syscall tracepoints only (no kprobes here).
 *
 * Per (process, fd) the `socks` map caches what the fd is, decided once: not a TCP socket, or a
 * TCP socket with its tuple. A socket's bytes are copied only after its first payload looks like
 * HTTP; TLS records mark it as ciphertext (never copied: its plaintext comes from the uprobes). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "tapline.h"
#include "sock.bpf.h"
#include "state.bpf.h"
#include "procs.bpf.h"
#include "copy.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* ---- plain socket data: enter saves the arguments, exit (bytes known) classifies and copies ---- */

static __always_inline int data_enter(__s64 fd, __u64 buf, __u64 cnt, __u8 op)
{
  if (fd < 0)
    return 0;
  __u64 id = bpf_get_current_pid_tgid();
  __u32 tgid = id >> 32;
  if (!may_hold_tcp(tgid)) {
    /* A socket can arrive by SCM_RIGHTS without any socket call of the process's own: a recvmsg
     * that offers room for control messages may hold TCP sockets from here on. */
    if (op == TLOP_RECVMSG)
      mark_fd_receiver(tgid, buf);
    return 0;
  }
  if (is_self(tgid))
    return 0;
  struct tl_sock_key k = { .tgid = tgid, .fd = (__s32)fd };
  struct tl_sock_info *si = bpf_map_lookup_elem(&socks, &k);
  if (!si) {
    if (bpf_map_lookup_elem(&not_tcp, &k))
      return 0;
    si = probe_sock(&k, TL_ROLE_UNKNOWN);
    if (!si)
      return 0;
  }
  if (si->kind != K_TCP || si->verdict == V_IGNORE || si->verdict == V_PEER)
    return 0;
  if (si->sock_class == C_UNKNOWN || si->sock_class == C_TLS) {
    /* A syscall inside SSL_read/SSL_write (socket BIO, e.g. curl): learn the SSL's socket. */
    struct tl_ssl_args *sa = bpf_task_storage_get(&ssl_inflight, bpf_get_current_task_btf(), 0, 0);
    if (sa && sa->active) {
      /* Every read and write inside SSL_read/SSL_write comes here: bind (a hash update) once. */
      if (si->ssl != sa->ssl)
        bind_ssl(tgid, sa->ssl, (__s32)fd, si);
      return 0;
    }
    if (si->sock_class == C_TLS) {
      /* Node feeds ciphertext read here into SSL_read right after: remember the socket (an
       * update only when it changed: a lookup takes no lock). */
      if (!op_is_write(op)) {
        __s32 f = (__s32)fd;
        __s32 *last = bpf_map_lookup_elem(&thread_tls_fd, &id);
        if (!last || *last != f)
          bpf_map_update_elem(&thread_tls_fd, &id, &f, BPF_ANY);
      }
      return 0;
    }
  }
  if (si->sock_class == C_IGNORE)
    return 0;
  struct tl_io_args *a = bpf_task_storage_get(&io_inflight, bpf_get_current_task_btf(), 0,
                                               BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (!a)
    return 0;
  a->buf = buf;
  a->cnt = cnt;
  a->fd = (__s32)fd;
  a->op = 0;
  a->copy = si->sock_class == C_HTTP && si->verdict == V_ADMIT;
  if (a->copy)
    a->si = *si;
  if (op == TLOP_SENDMSG || op == TLOP_RECVMSG) {
    struct user_msghdr msg;
    if (bpf_probe_read_user(&msg, sizeof(msg), (void *)buf))
      return 0;
    a->buf = (__u64)msg.msg_iov;
    a->cnt = msg.msg_iovlen;
  }
  a->op = op;
  return 0;
}

static __always_inline int data_exit(long ret, __u8 op)
{
  __u64 id = bpf_get_current_pid_tgid();
  if (!may_hold_tcp(id >> 32))
    return 0;
  struct tl_io_args *ap = bpf_task_storage_get(&io_inflight, bpf_get_current_task_btf(), 0, 0);
  if (!ap || !ap->op)
    return 0;
  __u8 saved_op = ap->op;
  ap->op = 0;
  /* The saved entry must belong to this syscall (see EBPF-NOTES: entry/exit pairing). */
  if (saved_op != op || ret <= 0)
    return 0;
  struct tl_sock_key k = { .tgid = id >> 32, .fd = ap->fd };
  __u8 dir = op_is_write(op) ? TL_DIR_WRITE : TL_DIR_READ;
  __u8 vec = op_is_vec(op);
  if (ap->copy) {
    emit_data(&ap->si, &k, ap->buf, vec ? ap->cnt : 0, ret, dir, 0);
    return 0;
  }
  struct tl_io_args a = { .buf = ap->buf, .cnt = ap->cnt, .fd = ap->fd };
  struct tl_sock_info *si = bpf_map_lookup_elem(&socks, &k);
  if (!si)
    return 0;
  if (si->sock_class == C_UNKNOWN) {
    __u64 first = a.buf, firstlen = ret;
    if (vec) {
      struct iovec iov;
      if (bpf_probe_read_user(&iov, sizeof(iov), (void *)a.buf))
        return 0;
      first = (__u64)iov.iov_base;
      firstlen = iov.iov_len < (__u64)ret ? iov.iov_len : (__u64)ret;
    }
    int c = classify_payload(first, firstlen);
    if (c == P_TLS) {
      si->sock_class = C_TLS;
      if (passes_filters(k.tgid, si->comm, &si->tuple)) {
        __u8 one = 1;
        bpf_map_update_elem(&cipher_procs, &k.tgid, &one, BPF_NOEXIST);
      }
      if (dir == TL_DIR_READ) {
        __s32 f = a.fd;
        bpf_map_update_elem(&thread_tls_fd, &id, &f, BPF_ANY);
      }
      return 0;
    }
    if (c == P_OTHER) {
      if (++si->tries >= 4)
        si->sock_class = C_IGNORE;
      return 0;
    }
    set_role(si, c, dir);
    if (!admit(&k, si, 0))
      return 0;
    si->sock_class = C_HTTP;
  }
  if (si->sock_class != C_HTTP || si->verdict != V_ADMIT)
    return 0;
  emit_data(si, &k, a.buf, vec ? a.cnt : 0, ret, dir, 0);
  return 0;
}

#define TP_ARGS(ctx, i) ((ctx)->args[i])

SEC("tracepoint/syscalls/sys_enter_read")
int tl_enter_read(struct trace_event_raw_sys_enter *ctx) { return data_enter(TP_ARGS(ctx, 0), TP_ARGS(ctx, 1), 0, TLOP_READ); }
SEC("tracepoint/syscalls/sys_exit_read")
int tl_exit_read(struct trace_event_raw_sys_exit *ctx) { return data_exit(ctx->ret, TLOP_READ); }
SEC("tracepoint/syscalls/sys_enter_write")
int tl_enter_write(struct trace_event_raw_sys_enter *ctx) { return data_enter(TP_ARGS(ctx, 0), TP_ARGS(ctx, 1), 0, TLOP_WRITE); }
SEC("tracepoint/syscalls/sys_exit_write")
int tl_exit_write(struct trace_event_raw_sys_exit *ctx) { return data_exit(ctx->ret, TLOP_WRITE); }
SEC("tracepoint/syscalls/sys_enter_readv")
int tl_enter_readv(struct trace_event_raw_sys_enter *ctx) { return data_enter(TP_ARGS(ctx, 0), TP_ARGS(ctx, 1), TP_ARGS(ctx, 2), TLOP_READV); }
SEC("tracepoint/syscalls/sys_exit_readv")
int tl_exit_readv(struct trace_event_raw_sys_exit *ctx) { return data_exit(ctx->ret, TLOP_READV); }
SEC("tracepoint/syscalls/sys_enter_writev")
int tl_enter_writev(struct trace_event_raw_sys_enter *ctx) { return data_enter(TP_ARGS(ctx, 0), TP_ARGS(ctx, 1), TP_ARGS(ctx, 2), TLOP_WRITEV); }
SEC("tracepoint/syscalls/sys_exit_writev")
int tl_exit_writev(struct trace_event_raw_sys_exit *ctx) { return data_exit(ctx->ret, TLOP_WRITEV); }
SEC("tracepoint/syscalls/sys_enter_recvfrom")
int tl_enter_recvfrom(struct trace_event_raw_sys_enter *ctx) { return data_enter(TP_ARGS(ctx, 0), TP_ARGS(ctx, 1), 0, TLOP_RECVFROM); }
SEC("tracepoint/syscalls/sys_exit_recvfrom")
int tl_exit_recvfrom(struct trace_event_raw_sys_exit *ctx) { return data_exit(ctx->ret, TLOP_RECVFROM); }
SEC("tracepoint/syscalls/sys_enter_sendto")
int tl_enter_sendto(struct trace_event_raw_sys_enter *ctx) { return data_enter(TP_ARGS(ctx, 0), TP_ARGS(ctx, 1), 0, TLOP_SENDTO); }
SEC("tracepoint/syscalls/sys_exit_sendto")
int tl_exit_sendto(struct trace_event_raw_sys_exit *ctx) { return data_exit(ctx->ret, TLOP_SENDTO); }
SEC("tracepoint/syscalls/sys_enter_recvmsg")
int tl_enter_recvmsg(struct trace_event_raw_sys_enter *ctx) { return data_enter(TP_ARGS(ctx, 0), TP_ARGS(ctx, 1), 0, TLOP_RECVMSG); }
SEC("tracepoint/syscalls/sys_exit_recvmsg")
int tl_exit_recvmsg(struct trace_event_raw_sys_exit *ctx) { return data_exit(ctx->ret, TLOP_RECVMSG); }
SEC("tracepoint/syscalls/sys_enter_sendmsg")
int tl_enter_sendmsg(struct trace_event_raw_sys_enter *ctx) { return data_enter(TP_ARGS(ctx, 0), TP_ARGS(ctx, 1), 0, TLOP_SENDMSG); }
SEC("tracepoint/syscalls/sys_exit_sendmsg")
int tl_exit_sendmsg(struct trace_event_raw_sys_exit *ctx) { return data_exit(ctx->ret, TLOP_SENDMSG); }

/* ---- connection lifecycle ---- */

static __always_inline int connect_enter(__s32 fd)
{
  __u64 id = bpf_get_current_pid_tgid();
  if (is_self(id >> 32))
    return 0;
  bpf_map_update_elem(&connect_inflight, &id, &fd, BPF_ANY);
  return 0;
}

static __always_inline int connect_exit(long ret)
{
  __u64 id = bpf_get_current_pid_tgid();
  __s32 *fdp = bpf_map_lookup_elem(&connect_inflight, &id);
  if (!fdp)
    return 0;
  __s32 fd = *fdp;
  bpf_map_delete_elem(&connect_inflight, &id);
  if (ret != 0 && ret != -115 /* EINPROGRESS: the tuple is set already */)
    return 0;
  struct tl_sock_key k = { .tgid = id >> 32, .fd = fd };
  set_net_proc(k.tgid, 1);
  forget_sock(&k);
  probe_sock(&k, TL_ROLE_CLIENT);
  return 0;
}

SEC("tracepoint/syscalls/sys_enter_connect")
int tl_enter_connect(struct trace_event_raw_sys_enter *ctx) { return connect_enter((__s32)TP_ARGS(ctx, 0)); }
SEC("tracepoint/syscalls/sys_exit_connect")
int tl_exit_connect(struct trace_event_raw_sys_exit *ctx) { return connect_exit(ctx->ret); }

static __always_inline int on_accept(long ret)
{
  if (ret < 0)
    return 0;
  __u64 id = bpf_get_current_pid_tgid();
  struct tl_sock_key k = { .tgid = id >> 32, .fd = (__s32)ret };
  if (is_self(k.tgid)) {
    struct sock *sk = fd_to_tcp_sock(k.fd);
    if (sk)
      register_listener(BPF_CORE_READ(sk, __sk_common.skc_num), k.tgid, LST_SELF);
    return 0;
  }
  set_net_proc(k.tgid, 1);
  forget_sock(&k);
  struct tl_sock_info *si = probe_sock(&k, TL_ROLE_SERVER);
  if (si && si->kind == K_TCP)
    register_listener(si->tuple.lport, k.tgid,
                      passes_filters(k.tgid, si->comm, &si->tuple) ? LST_TRACED : LST_UNTRACED);
  return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept")
int tl_exit_accept(struct trace_event_raw_sys_exit *ctx) { return on_accept(ctx->ret); }
SEC("tracepoint/syscalls/sys_exit_accept4")
int tl_exit_accept4(struct trace_event_raw_sys_exit *ctx) { return on_accept(ctx->ret); }

static __always_inline int listen_enter(int fd)
{
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  struct sock *sk = fd_to_tcp_sock(fd);
  if (!sk)
    return 0;
  __u16 port = BPF_CORE_READ(sk, __sk_common.skc_num);
  if (is_self(tgid)) {
    register_listener(port, tgid, LST_SELF);
    return 0;
  }
  struct tl_tuple t = { .lport = port };
  char comm[TL_COMM_LEN];
  leader_comm(comm);
  register_listener(port, tgid, passes_filters(tgid, comm, &t) ? LST_TRACED : LST_UNTRACED);
  return 0;
}

SEC("tracepoint/syscalls/sys_enter_listen")
int tl_enter_listen(struct trace_event_raw_sys_enter *ctx) { return listen_enter((int)TP_ARGS(ctx, 0)); }

static __always_inline int close_enter(__s32 fd)
{
  __u64 id = bpf_get_current_pid_tgid();
  if (!may_hold_tcp(id >> 32))
    return 0;
  struct tl_sock_key k = { .tgid = id >> 32, .fd = fd };
  struct tl_sock_info *si = bpf_map_lookup_elem(&socks, &k);
  if (si && si->opened)
    emit_close(&k, si);
  forget_sock(&k);
  return 0;
}

SEC("tracepoint/syscalls/sys_enter_close")
int tl_enter_close(struct trace_event_raw_sys_enter *ctx) { return close_enter((__s32)TP_ARGS(ctx, 0)); }

/* A process that dies closes its descriptors without close(): forget (and report closed) what
 * its table still holds, or a later process with the same pid would inherit the entries (a file
 * taken for a socket, a socket for a file). Once per process, when its last thread exits. */
#define TL_EXIT_MAX_FDS 65536

struct fd_forget {
  struct file **fds;
  __u32 tgid;
};

static long forget_fd(__u32 i, void *ctx)
{
  struct fd_forget *s = ctx;
  struct file *f = NULL;
  bpf_probe_read_kernel(&f, sizeof(f), &s->fds[i]);
  if (!f)
    return 0;
  struct tl_sock_key k = { .tgid = s->tgid, .fd = (__s32)i };
  struct tl_sock_info *si = bpf_map_lookup_elem(&socks, &k);
  if (si && si->opened)
    emit_close(&k, si);
  forget_sock(&k);
  return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int tl_exit_process(void *ctx)
{
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  if (!may_hold_tcp(tgid))
    return 0;
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  if (BPF_CORE_READ(task, signal, live.counter) != 0)
    return 0; /* other threads still share the table */
  struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
  if (!fdt)
    return 0;
  unsigned int max = BPF_CORE_READ(fdt, max_fds);
  struct fd_forget s = { .fds = BPF_CORE_READ(fdt, fd), .tgid = tgid };
  bpf_loop(max < TL_EXIT_MAX_FDS ? max : TL_EXIT_MAX_FDS, forget_fd, &s, 0);
  return 0;
}

/* ---- OpenSSL: SSL_read/SSL_write(ssl, buf, num) and the _ex variants (…, size_t *done) ---- */

/* Plaintext a TLS library handed to or got from socket `fd` (OpenSSL and Go alike): classified
 * once per connection like the socket's own bytes, then copied. */
static __always_inline void tls_plaintext(__u32 tgid, __s32 fd, __u64 buf, __u64 bytes, __u8 dir)
{
  struct tl_sock_key k = { .tgid = tgid, .fd = fd };
  struct tl_sock_info *si = bpf_map_lookup_elem(&socks, &k);
  if (!si || si->kind != K_TCP || si->verdict == V_IGNORE || si->verdict == V_PEER)
    return;
  if (si->tls_class == C_UNKNOWN) {
    int c = classify_payload(buf, bytes);
    if (c == P_OTHER || c == P_TLS) {
      if (++si->tls_tries >= 4)
        si->tls_class = C_IGNORE;
      return;
    }
    set_role(si, c, dir);
    if (!admit(&k, si, 1))
      return;
    si->tls_class = C_HTTP;
  }
  if (si->tls_class != C_HTTP || si->verdict != V_ADMIT)
    return;
  emit_data(si, &k, buf, 0, bytes, dir, 1);
}

static __always_inline int ssl_enter(__u64 ssl, __u64 buf, __u64 done_ptr, __u8 dir)
{
  __u64 id = bpf_get_current_pid_tgid();
  __u32 tgid = id >> 32;
  if (is_self(tgid))
    return 0;
  struct tl_ssl_args *cur = bpf_task_storage_get(&ssl_inflight, bpf_get_current_task_btf(), 0,
                                                 BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (!cur)
    return 0;
  if (cur->active) {
    cur->depth++; /* one exported SSL call inside another: the outer one reports */
    return 0;
  }
  cur->ssl = ssl;
  cur->buf = buf;
  cur->done_ptr = done_ptr;
  cur->dir = dir;
  cur->depth = 0;
  cur->active = 1;
  if (!bpf_map_lookup_elem(&ssl_procs, &tgid)) {
    __u8 one = 1;
    bpf_map_update_elem(&ssl_procs, &tgid, &one, BPF_ANY);
  }
  /* Memory-BIO users (node): the ciphertext this thread just read belongs to this SSL. */
  struct tl_ssl_key sk = { .tgid = tgid, .ssl = ssl };
  if (!bpf_map_lookup_elem(&ssl_fds, &sk)) {
    __s32 *fd = bpf_map_lookup_elem(&thread_tls_fd, &id);
    if (fd) {
      struct tl_sock_key k = { .tgid = tgid, .fd = *fd };
      struct tl_sock_info *si = bpf_map_lookup_elem(&socks, &k);
      if (si)
        bind_ssl(tgid, ssl, *fd, si);
    }
  }
  return 0;
}

static __always_inline int ssl_exit(long ret)
{
  __u64 id = bpf_get_current_pid_tgid();
  struct tl_ssl_args *ap = bpf_task_storage_get(&ssl_inflight, bpf_get_current_task_btf(), 0, 0);
  if (!ap || !ap->active)
    return 0;
  if (ap->depth) {
    ap->depth--;
    return 0;
  }
  struct tl_ssl_args a = *ap;
  ap->active = 0;
  __u64 bytes = 0;
  if (a.done_ptr) {
    if (ret != 1 || bpf_probe_read_user(&bytes, sizeof(bytes), (void *)a.done_ptr))
      return 0;
  } else {
    if (ret <= 0)
      return 0;
    bytes = ret;
  }
  if (bytes == 0)
    return 0;
  __u32 tgid = id >> 32;
  struct tl_ssl_key skey = { .tgid = tgid, .ssl = a.ssl };
  __s32 *fdp = bpf_map_lookup_elem(&ssl_fds, &skey);
  if (!fdp) {
    count(TL_CNT_TLS_UNMAPPED, 1);
    return 0;
  }
  tls_plaintext(tgid, *fdp, a.buf, bytes, a.dir);
  return 0;
}

SEC("uprobe")
int BPF_KPROBE(tl_ssl_write, void *ssl, void *buf, int num) { return ssl_enter((__u64)ssl, (__u64)buf, 0, TL_DIR_WRITE); }
SEC("uprobe")
int BPF_KPROBE(tl_ssl_read, void *ssl, void *buf, int num) { return ssl_enter((__u64)ssl, (__u64)buf, 0, TL_DIR_READ); }
SEC("uprobe")
int BPF_KPROBE(tl_ssl_write_ex, void *ssl, void *buf, __u64 num, void *done) { return ssl_enter((__u64)ssl, (__u64)buf, (__u64)done, TL_DIR_WRITE); }
SEC("uprobe")
int BPF_KPROBE(tl_ssl_read_ex, void *ssl, void *buf, __u64 num, void *done) { return ssl_enter((__u64)ssl, (__u64)buf, (__u64)done, TL_DIR_READ); }
/* One return probe serves all four: the entry saved which call it was. */
SEC("uretprobe")
int BPF_KRETPROBE(tl_ssl_ret, long ret) { return ssl_exit((int)ret); /* all four return int */ }

/* Go's crypto/tls (its own TLS stack, no OpenSSL). */
#include "go-tls.bpf.h"

/* The same syscall handlers behind two raw tracepoints instead of the per-syscall ones. */
#include "dispatch.bpf.h"
