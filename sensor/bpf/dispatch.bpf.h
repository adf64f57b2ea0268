/* The syscall handlers of tapline.bpf.c behind two raw tracepoints (tp_btf/sys_enter and
 * sys_exit), one program each switching on the syscall number, instead of one perf syscall
 * tracepoint per syscall. The loader loads one set or the other (docs/capture.md: a raw
 * tracepoint runs for every syscall, but costs less than the perf syscall path per call it
 * handles; bench/sensor-overhead-syscalls.ts measures both). x86-64 only: elsewhere the loader
 * keeps the per-syscall tracepoints. */
#ifndef TAPLINE_DISPATCH_BPF_H
#define TAPLINE_DISPATCH_BPF_H

#if defined(__TARGET_ARCH_x86)

/* x86-64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl). */
enum {
  TL_NR_READ = 0, TL_NR_WRITE = 1, TL_NR_CLOSE = 3, TL_NR_READV = 19, TL_NR_WRITEV = 20,
  TL_NR_SOCKET = 41, TL_NR_CONNECT = 42, TL_NR_ACCEPT = 43, TL_NR_SENDTO = 44, TL_NR_RECVFROM = 45,
  TL_NR_SENDMSG = 46, TL_NR_RECVMSG = 47, TL_NR_LISTEN = 50, TL_NR_ACCEPT4 = 288,
};
#define TL_TS_COMPAT 0x0002 /* arch/x86/include/asm/thread_info.h */

/* The data syscalls' op, or 0. */
static __always_inline __u8 data_op(long nr)
{
  switch (nr) {
  case TL_NR_READ: return TLOP_READ;
  case TL_NR_WRITE: return TLOP_WRITE;
  case TL_NR_READV: return TLOP_READV;
  case TL_NR_WRITEV: return TLOP_WRITEV;
  case TL_NR_RECVFROM: return TLOP_RECVFROM;
  case TL_NR_SENDTO: return TLOP_SENDTO;
  case TL_NR_RECVMSG: return TLOP_RECVMSG;
  case TL_NR_SENDMSG: return TLOP_SENDMSG;
  default: return 0;
  }
}

/* A 32-bit syscall (int 0x80, or a compat process) numbers its calls otherwise; the per-syscall
 * tracepoints skip those too. */
static __always_inline int in_compat_syscall(void)
{
  return bpf_get_current_task_btf()->thread_info.status & TL_TS_COMPAT;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(tl_sys_enter, struct pt_regs *regs, long nr)
{
  if (nr > TL_NR_LISTEN && nr != TL_NR_ACCEPT4)
    return 0; /* most syscalls leave here */
  __u8 op = data_op(nr);
  if (op) {
    if (in_compat_syscall())
      return 0;
    return data_enter((__s64)(int)regs->di, regs->si, op == TLOP_READV || op == TLOP_WRITEV ? regs->dx : 0, op);
  }
  if ((nr != TL_NR_CLOSE && nr != TL_NR_SOCKET && nr != TL_NR_CONNECT && nr != TL_NR_LISTEN) || in_compat_syscall())
    return 0;
  switch (nr) {
  case TL_NR_CLOSE: return close_enter((__s32)regs->di);
  case TL_NR_SOCKET: return socket_enter(regs->di, regs->si);
  case TL_NR_CONNECT: return connect_enter((__s32)regs->di);
  default: return listen_enter((int)regs->di);
  }
}

SEC("tp_btf/sys_exit")
int BPF_PROG(tl_sys_exit, struct pt_regs *regs, long ret)
{
  long nr = regs->orig_ax;
  if (nr > TL_NR_LISTEN && nr != TL_NR_ACCEPT4)
    return 0;
  __u8 op = data_op(nr);
  if (op)
    return in_compat_syscall() ? 0 : data_exit(ret, op);
  if ((nr != TL_NR_CONNECT && nr != TL_NR_ACCEPT && nr != TL_NR_ACCEPT4) || in_compat_syscall())
    return 0;
  return nr == TL_NR_CONNECT ? connect_exit(ret) : on_accept(ret);
}

#endif
#endif
