/* The processes that may hold a TCP socket (the kernel's `net_procs` bitmap, state.bpf.h): sized
 * from pid_max before load, seeded after attach with every process that holds a socket already
 * (from then on the kernel marks new ones itself), and the /proc/<pid>/fd walk that the seed and
 * the listener seed share. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "loader.h"
#include "tapline.skel.h"

void tl_for_each_socket(void (*fn)(int pid, unsigned long ino, void *ctx), void *ctx)
{
  DIR *d = opendir("/proc");
  if (!d)
    return;
  struct dirent *de;
  while ((de = readdir(d))) {
    int pid = atoi(de->d_name);
    if (pid <= 0)
      continue;
    char dir[64];
    snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
    DIR *fdd = opendir(dir);
    if (!fdd)
      continue;
    struct dirent *fe;
    while ((fe = readdir(fdd))) {
      char link[PATH_MAX], target[64];
      snprintf(link, sizeof(link), "%s/%s", dir, fe->d_name);
      ssize_t len = readlink(link, target, sizeof(target) - 1);
      if (len <= 8 || strncmp(target, "socket:[", 8) != 0)
        continue;
      target[len] = 0;
      fn(pid, strtoul(target + 8, NULL, 10), ctx);
    }
    closedir(fdd);
  }
  closedir(d);
}

/* One bit per possible tgid (pid_max is at most 2^22, so the map is at most 512 KiB). */
void tl_net_procs_size(struct tapline *skel)
{
  long pid_max = 4194304;
  FILE *f = fopen("/proc/sys/kernel/pid_max", "re");
  if (f) {
    if (fscanf(f, "%ld", &pid_max) != 1 || pid_max <= 0 || pid_max > 4194304)
      pid_max = 4194304;
    fclose(f);
  }
  bpf_map__set_max_entries(skel->maps.net_procs, (uint32_t)((pid_max + 63) / 64));
}

static void mark(int pid, unsigned long ino, void *ctx)
{
  struct { uint64_t *words; uint32_t n; } *bits = ctx;
  if ((uint32_t)pid / 64 < bits->n)
    __atomic_fetch_or(&bits->words[pid / 64], 1ULL << (pid % 64), __ATOMIC_RELAXED);
}

/* After attach, so that a socket made during the walk is marked by the kernel if not by us. The
 * bits are ORed into the mapped map: the kernel's own marks meanwhile are kept. */
void tl_net_procs_seed(struct tapline *skel)
{
  struct bpf_map *map = skel->maps.net_procs;
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t size = ((size_t)bpf_map__max_entries(map) * sizeof(uint64_t) + page - 1) / page * page;
  uint64_t *words = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(map), 0);
  if (words == MAP_FAILED)
    tl_die(TL_EXIT_LOAD, "cannot map the process bitmap: %m");
  struct { uint64_t *words; uint32_t n; } bits = { words, bpf_map__max_entries(map) };
  tl_for_each_socket(mark, &bits);
  munmap(words, size);
}
