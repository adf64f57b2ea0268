/* Which processes may hold a TCP socket: the syscall programs' first check (tapline.bpf.c). */
#ifndef TAPLINE_PROCS_BPF_H
#define TAPLINE_PROCS_BPF_H

/* One bit per tgid: the process may hold a TCP socket. Set when it creates an inet stream socket,
 * accepts or connects, for a process forked from one that has it (and cleared for one forked from
 * one that has not, so a reused pid starts afresh), cleared at exec when the new program holds no
 * TCP socket (a shell forked by a server inherits its bit, not its sockets, which are close-on-exec),
 * and set by the loader at start for every process holding a socket. The syscall programs of a
 * process without it stop before any hash lookup: an array lookup is inlined by the verifier.
 * Sized by the loader from pid_max; a tgid beyond it reads as set. Mmapable so that the loader's seed can OR its bits in atomically. */
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(map_flags, BPF_F_MMAPABLE); __uint(max_entries, 512); __type(key, __u32); __type(value, __u64); } net_procs SEC(".maps");

static __always_inline int may_hold_tcp(__u32 tgid)
{
  __u32 word = tgid >> 6;
  __u64 *w = bpf_map_lookup_elem(&net_procs, &word);
  return !w || ((*w >> (tgid & 63)) & 1);
}

static __always_inline void set_net_proc(__u32 pid, int on)
{
  __u32 word = pid >> 6;
  __u64 *w = bpf_map_lookup_elem(&net_procs, &word);
  __u64 bit = 1ULL << (pid & 63);
  if (!w)
    return;
  if (on) {
    if (!(*w & bit))
      __sync_fetch_and_or(w, bit);
  } else if (*w & bit) {
    __sync_fetch_and_and(w, ~bit);
  }
}

/* recvmsg(fd, msg, …) by a process without the bit: if `msg` has a control buffer, descriptors
 * (SCM_RIGHTS) may arrive in it, TCP sockets among them. Set the bit then (one user read per
 * such call; the process pays the lookups afterwards, as one holding a socket does). */
static __always_inline void mark_fd_receiver(__u32 tgid, __u64 msg)
{
  struct user_msghdr m;
  if (bpf_probe_read_user(&m, sizeof(m), (void *)msg) == 0 && m.msg_control && m.msg_controllen)
    set_net_proc(tgid, 1);
}

static __always_inline int socket_enter(__u64 family, __u64 type)
{
  if ((family == TL_AF_INET || family == TL_AF_INET6) && (type & 0xf) == TL_SOCK_STREAM)
    set_net_proc(bpf_get_current_pid_tgid() >> 32, 1);
  return 0;
}

SEC("tracepoint/syscalls/sys_enter_socket")
int tl_enter_socket(struct trace_event_raw_sys_enter *ctx) { return socket_enter(ctx->args[0], ctx->args[1]); }

/* The child inherits the parent's sockets, and with them its bit (for a new thread the id is a
 * thread id that no process uses meanwhile: harmless). */
SEC("tracepoint/sched/sched_process_fork")
int tl_fork(struct trace_event_raw_sched_process_fork *ctx)
{
  set_net_proc(ctx->child_pid, may_hold_tcp(bpf_get_current_pid_tgid() >> 32));
  return 0;
}

#define TL_EXEC_MAX_FDS 1024 /* a bigger table keeps the bit: deciding would cost too much */

struct fd_scan {
  struct file **fds;
  int found;
};

static long fd_is_tcp(__u32 i, void *ctx)
{
  struct fd_scan *s = ctx;
  struct file *f = NULL;
  bpf_probe_read_kernel(&f, sizeof(f), &s->fds[i]);
  if (!f || !file_tcp_sock(f))
    return 0;
  s->found = 1;
  return 1;
}

/* After exec the close-on-exec descriptors are gone: keep the bit only if a TCP socket is left
 * (stdio is often a Unix socket pair: libuv's pipes). */
SEC("tracepoint/sched/sched_process_exec")
int tl_exec(struct trace_event_raw_sched_process_exec *ctx)
{
  __u32 tgid = bpf_get_current_pid_tgid() >> 32;
  if (!may_hold_tcp(tgid))
    return 0;
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
  if (!fdt)
    return 0;
  unsigned int max = BPF_CORE_READ(fdt, max_fds);
  if (max > TL_EXEC_MAX_FDS)
    return 0;
  struct fd_scan s = { .fds = BPF_CORE_READ(fdt, fd), .found = 0 };
  bpf_loop(max, fd_is_tcp, &s, 0);
  if (!s.found)
    set_net_proc(tgid, 0);
  return 0;
}

#endif
