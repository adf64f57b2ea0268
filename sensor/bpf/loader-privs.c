/* Least privilege once attached (docs/sensor.md, "Privileges"). After the programs are loaded,
 * the tracepoints attached and the ring buffer mapped, the loader keeps only what its periodic
 * OpenSSL/Go scan still needs for processes that start later:
 *   CAP_BPF, CAP_PERFMON      attach uprobes (perf_event_open of the uprobe PMU, BPF links) and
 *                             update the kernel's maps
 *   CAP_SYS_PTRACE            read /proc/<pid>/maps, exe and root of other users' processes
 *   CAP_DAC_READ_SEARCH       open the libraries and executables they map, whoever owns them
 *   CAP_SYS_ADMIN             creating any uprobe perf event fails with EACCES without it,
 *                             CAP_PERFMON and CAP_BPF notwithstanding (measured on 6.18 with
 *                             setpriv, and by test/integration/sensor-privileges.test.ts); kept
 *                             when held. Everything
 * else leaves the permitted, effective, inheritable, ambient and bounding sets; no_new_privs is
 * set; with --drop-to UID:GID the loader also becomes that user (keeping the set above), so that
 * the daemon, which switches to the same user, can still signal it. */
#define _GNU_SOURCE /* setresuid, setresgid */
#include <errno.h>
#include <grp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include "loader.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
#define TL_CAP_WORDS 2

static int capget_all(struct __user_cap_data_struct d[TL_CAP_WORDS])
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  memset(d, 0, sizeof(*d) * TL_CAP_WORDS);
  return (int)syscall(SYS_capget, &hdr, d);
}

static int in_set(uint64_t set, int cap) { return (int)((set >> cap) & 1); }

static uint64_t permitted_of(const struct __user_cap_data_struct d[TL_CAP_WORDS])
{
  return (uint64_t)d[0].permitted | ((uint64_t)d[1].permitted << 32);
}

uint64_t tl_kept_capabilities(uint64_t permitted)
{
  uint64_t want = (1ULL << CAP_BPF) | (1ULL << CAP_PERFMON) | (1ULL << CAP_SYS_PTRACE) | (1ULL << CAP_DAC_READ_SEARCH) |
                  (1ULL << CAP_SYS_ADMIN);
  return want & permitted;
}

void tl_drop_privileges(const struct tl_config *cfg)
{
  struct __user_cap_data_struct d[TL_CAP_WORDS];
  if (capget_all(d) != 0)
    tl_die(TL_EXIT_RUNTIME, "cannot read capabilities to drop them: %s", strerror(errno));
  uint64_t keep = tl_kept_capabilities(permitted_of(d));

  /* The bounding set first: dropping from it needs CAP_SETPCAP, which goes next. Without it (a
   * container granted only the four capabilities) the runtime already bounded the set. */
  uint64_t effective = (uint64_t)d[0].effective | ((uint64_t)d[1].effective << 32);
  int last = 63;
  while (last > 0 && prctl(PR_CAPBSET_READ, last, 0, 0, 0) < 0)
    last--;
  for (int cap = 0; in_set(effective, CAP_SETPCAP) && cap <= last; cap++)
    if (!in_set(keep, cap) && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1 && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
      tl_die(TL_EXIT_RUNTIME, "cannot drop capability %d from the bounding set: %s", cap, strerror(errno));
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    tl_die(TL_EXIT_RUNTIME, "cannot clear the ambient capabilities: %s", strerror(errno));
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    tl_die(TL_EXIT_RUNTIME, "cannot set no_new_privs: %s", strerror(errno));

  if (cfg->drop_uid >= 0) {
    /* Keep the permitted set across setuid; the effective set is rebuilt by capset below. */
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
      tl_die(TL_EXIT_RUNTIME, "cannot keep capabilities across setuid: %s", strerror(errno));
    if (setgroups(0, NULL) != 0 || setresgid(cfg->drop_gid, cfg->drop_gid, cfg->drop_gid) != 0 ||
        setresuid(cfg->drop_uid, cfg->drop_uid, cfg->drop_uid) != 0)
      tl_die(TL_EXIT_RUNTIME, "cannot switch to uid %d gid %d: %s", cfg->drop_uid, cfg->drop_gid, strerror(errno));
    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  }

  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct set[TL_CAP_WORDS] = {};
  for (int w = 0; w < TL_CAP_WORDS; w++)
    set[w].permitted = set[w].effective = (uint32_t)(keep >> (32 * w));
  if (syscall(SYS_capset, &hdr, set) != 0)
    tl_die(TL_EXIT_RUNTIME, "cannot reduce capabilities: %s", strerror(errno));
  /* Read back: a drop that silently did not happen must not be reported as done. */
  if (capget_all(d) != 0 || permitted_of(d) != keep)
    tl_die(TL_EXIT_RUNTIME, "capabilities were not reduced as asked");
  if (cfg->verbose)
    tl_warn("privileges dropped: capabilities 0x%llx kept%s", (unsigned long long)keep, cfg->drop_uid >= 0 ? ", uid switched" : "");
}
