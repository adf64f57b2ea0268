/* Go's crypto/tls: recognises Go executables (their .go.buildinfo section), reads the Go version,
 * finds crypto/tls.(*Conn).Read and Write in the symbol table, and decodes their machine code with
 * Capstone (a byte search would also hit immediates and displacements) to place as few probes as
 * possible on instructions the kernel emulates rather than single-steps (go-tls.bpf.h says why):
 * Write gets one probe, on its prologue's stack-check branch; Read one, on its call to
 * runtime.memmove, reading its receiver and b from the slots its prologue spills them to (or,
 * when it does not spill them so, a second probe on its stack-check branch). A function whose
 * code does not have that shape gets the general plan: a probe on its first instruction and a
 * plain uprobe on every RET (not uretprobes). */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <capstone/capstone.h>
#include "loader.h"
#include "tapline.skel.h"

#define GO_MAX_RETS 32
#define GO_MAX_FILES 256
#define GO_LINKS (2 * (1 + GO_MAX_RETS))

static struct bpf_link *links[GO_MAX_FILES][GO_LINKS];
static int n_go_files;

struct go_func {
  uint64_t va;
  uint64_t file_off;
  uint64_t size;
  int found;
  int n_rets; /* -1: the code did not decode to its end */
  uint64_t rets[GO_MAX_RETS];
  int64_t jbe;  /* offset of the prologue's `jbe morestack` after `cmp …, [r14+16]`, or -1 */
  int64_t copy; /* offset of the function's only `call runtime.memmove`, or -1 (none, or several) */
  int64_t spill; /* from the body's RSP, where the prologue spills RAX, RBX, RCX (receiver, b's
                    pointer and length: 8-byte slots in a row, above the return address), or -1 */
};

static Elf_Scn *section_named(Elf *e, const char *name, GElf_Shdr *sh)
{
  size_t shstrndx;
  if (elf_getshdrstrndx(e, &shstrndx) != 0)
    return NULL;
  Elf_Scn *scn = NULL;
  while ((scn = elf_nextscn(e, scn))) {
    if (!gelf_getshdr(scn, sh))
      continue;
    const char *n = elf_strptr(e, shstrndx, sh->sh_name);
    if (n && strcmp(n, name) == 0)
      return scn;
  }
  return NULL;
}

/* File offset of virtual address `va` through the PT_LOAD segments; 0 when unmapped. */
static uint64_t va_to_off(Elf *e, uint64_t va)
{
  size_t n;
  if (elf_getphdrnum(e, &n) != 0)
    return 0;
  for (size_t i = 0; i < n; i++) {
    GElf_Phdr ph;
    if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD && va >= ph.p_vaddr &&
        va < ph.p_vaddr + ph.p_filesz)
      return va - ph.p_vaddr + ph.p_offset;
  }
  return 0;
}

/* The Go version from .go.buildinfo: inline since Go 1.18 (flag 2), through two pointers before. */
static int go_version(int fd, Elf *e, char *out, size_t outlen)
{
  GElf_Shdr sh;
  Elf_Scn *scn = section_named(e, ".go.buildinfo", &sh);
  if (!scn)
    return 0; /* not Go */
  unsigned char d[64];
  if (sh.sh_type == SHT_NOBITS || pread(fd, d, sizeof(d), (off_t)sh.sh_offset) != (ssize_t)sizeof(d) ||
      memcmp(d, "\xff Go buildinf:", 14) != 0)
    return 1; /* Go, version unknown */
  int ptrsize = d[14], flags = d[15];
  char v[64] = "";
  if (flags & 2) {
    uint64_t len = 0;
    int shift = 0, at = 32;
    while (at < (int)sizeof(d) && shift < 63) {
      len |= (uint64_t)(d[at] & 0x7f) << shift;
      shift += 7;
      if (!(d[at++] & 0x80))
        break;
    }
    if (len && len < sizeof(v) && at + len <= sizeof(d))
      memcpy(v, d + at, len);
  } else if (ptrsize == 8) {
    uint64_t hdr_va, str[2];
    memcpy(&hdr_va, d + 16, 8);
    uint64_t off = va_to_off(e, hdr_va);
    if (off && pread(fd, str, sizeof(str), (off_t)off) == (ssize_t)sizeof(str) && str[1] && str[1] < sizeof(v)) {
      uint64_t soff = va_to_off(e, str[0]);
      if (!soff || pread(fd, v, str[1], (off_t)soff) != (ssize_t)str[1])
        v[0] = 0;
    }
  }
  snprintf(out, outlen, "%s", v);
  return 1;
}

/* Looks up both functions in .symtab; 0 when the binary has no symbol table (stripped). */
static int find_funcs(Elf *e, struct go_func *rd, struct go_func *wr, uint64_t *memmove_va)
{
  Elf_Scn *scn = NULL;
  int have_symtab = 0;
  while ((scn = elf_nextscn(e, scn))) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
      continue;
    have_symtab = 1;
    Elf_Data *data = elf_getdata(scn, NULL);
    size_t n = sh.sh_size / sh.sh_entsize;
    for (size_t i = 0; data && i < n; i++) {
      GElf_Sym sym;
      if (!gelf_getsym(data, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC || !sym.st_value)
        continue;
      const char *s = elf_strptr(e, sh.sh_link, sym.st_name);
      if (s && strcmp(s, "runtime.memmove") == 0)
        *memmove_va = sym.st_value;
      struct go_func *f = !s ? NULL
                        : strcmp(s, "crypto/tls.(*Conn).Read") == 0 ? rd
                        : strcmp(s, "crypto/tls.(*Conn).Write") == 0 ? wr
                        : NULL;
      if (!f)
        continue;
      f->va = sym.st_value;
      f->file_off = va_to_off(e, sym.st_value);
      f->size = sym.st_size;
      f->found = f->file_off != 0 && f->size != 0;
    }
  }
  return have_symtab;
}

/* Go's stack check opens every function that can grow its stack: `cmp rsp, [r14+16]` (g's
 * stackguard0), after `lea r12, [rsp-N]` for large frames, then `jbe` to morestack. */
static int is_stack_check(const cs_insn *insn, int index)
{
  if (insn->id == X86_INS_CMP)
    return strstr(insn->op_str, "[r14 + 0x10]") != NULL;
  return index == 0 && insn->id == X86_INS_LEA && strncmp(insn->op_str, "r12,", 4) == 0;
}

/* The prologue's spills of the register arguments into their slots above the return address:
 * after `sub rsp, N`, `mov [rsp + N+8], rax`, `[rsp + N+16], rbx`, `[rsp + N+24], rcx`, all
 * before the first call. Returns a bit per register seen (1 rax, 2 rbx, 4 rcx) for `frame`. */
static int spill_bits(const cs_insn *insn, uint64_t frame)
{
  unsigned long disp;
  char reg[8];
  if (insn->id != X86_INS_MOV || sscanf(insn->op_str, "qword ptr [rsp + 0x%lx], %7s", &disp, reg) != 2)
    return 0;
  static const char *const regs[] = { "rax", "rbx", "rcx" };
  for (int i = 0; i < 3; i++)
    if (strcmp(reg, regs[i]) == 0 && disp == frame + 8 * (uint64_t)(i + 1))
      return 1 << i;
  return 0;
}

/* Decodes the function (addresses from its start): its RETs (n_rets -1 when the code does not
 * decode to the end, so that no probe ever lands inside an instruction), the stack-check branch,
 * and its call to runtime.memmove at `memmove_rel` (memmove's address minus the function's). */
static void go_decode(const uint8_t *code, size_t size, int64_t memmove_rel, struct go_func *f)
{
  f->n_rets = -1;
  f->jbe = f->copy = -1;
  csh h;
  if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
    return;
  cs_insn *insn = cs_malloc(h);
  const uint8_t *p = code;
  size_t left = size;
  uint64_t addr = 0;
  int n = 0, index = 0, copies = 0;
  int in_check = 1; /* every instruction so far belongs to the stack check */
  int after_cmp = 0, spilled = 0, before_call = 1;
  unsigned long frame = 0;
  f->spill = -1;
  while (left && cs_disasm_iter(h, &p, &left, &addr, insn)) {
    if (insn->id == X86_INS_CALL)
      before_call = 0;
    if (before_call && f->jbe >= 0 && !frame && insn->id == X86_INS_SUB)
      sscanf(insn->op_str, "rsp, 0x%lx", &frame);
    else if (before_call && frame)
      spilled |= spill_bits(insn, frame);
    if (in_check && after_cmp && insn->id == X86_INS_JBE)
      f->jbe = (int64_t)insn->address;
    in_check = in_check && f->jbe < 0 && index < 2 && is_stack_check(insn, index);
    after_cmp = in_check && insn->id == X86_INS_CMP;
    if (insn->size == 5 && insn->bytes[0] == 0xe8) {
      int32_t rel;
      memcpy(&rel, insn->bytes + 1, 4);
      if ((int64_t)insn->address + 5 + rel == memmove_rel && copies++ == 0)
        f->copy = (int64_t)insn->address;
    }
    if (insn->id == X86_INS_RET && n >= 0) {
      if (n == GO_MAX_RETS)
        n = -2;
      else
        f->rets[n++] = insn->address;
    }
    index++;
  }
  if (copies != 1)
    f->copy = -1;
  if (spilled == 7)
    f->spill = (int64_t)frame + 8;
  f->n_rets = left != 0 || n == -2 ? -1 : n;
  cs_free(insn, 1);
  cs_close(&h);
}

static struct bpf_link *attach_at(struct bpf_program *prog, const char *path, uint64_t off, uint64_t cookie)
{
  LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = false, .bpf_cookie = cookie);
  return bpf_program__attach_uprobe_opts(prog, -1, path, (size_t)off, &opts);
}

static void detach_file(int slot)
{
  for (int i = 0; i < GO_LINKS; i++)
    if (links[slot][i]) {
      bpf_link__destroy(links[slot][i]);
      links[slot][i] = NULL;
    }
}

/* Reads and decodes the function's code (go_decode). */
static void decode_func(int fd, struct go_func *f, uint64_t memmove_va)
{
  f->n_rets = -1;
  f->jbe = f->copy = f->spill = -1;
  if (f->size > (1u << 20))
    return;
  uint8_t *code = malloc(f->size);
  if (code && pread(fd, code, f->size, (off_t)f->file_off) == (ssize_t)f->size)
    go_decode(code, f->size, memmove_va ? (int64_t)(memmove_va - f->va) : INT64_MIN, f);
  free(code);
}

/* The probes of one function: Read's copy probe alone when its arguments are spilled
 * (`copy_spilled`); otherwise one on the stack-check branch when there is one (`at_jbe`, else
 * the first instruction: `entry`), then either the copy probe or one per RET. Write at its
 * branch needs nothing more (`copy` NULL). Returns the number of links made, or -1 (the caller
 * detaches). */
struct go_progs {
  struct bpf_program *entry, *at_jbe, *copy, *ret;
  struct bpf_program *copy_spilled; /* Read: the copy probe alone, arguments from their spill slots */
};

static int attach_func(const char *path, const struct go_func *f, const struct go_progs *p, struct bpf_link **out)
{
  int n = 0;
  if (p->copy_spilled && f->copy >= 0 && f->spill >= 0)
    return (out[0] = attach_at(p->copy_spilled, path, f->file_off + (uint64_t)f->copy, (uint64_t)f->spill)) ? 1 : -1;
  int fast = f->jbe >= 0 && !p->copy; /* Write: one probe */
  int copy = p->copy && f->copy >= 0; /* Read: the copy probe instead of the RETs */
  if (!fast && !copy && f->n_rets <= 0)
    return -1;
  if (!(out[n++] = attach_at(f->jbe >= 0 ? p->at_jbe : p->entry, path, f->file_off + (f->jbe >= 0 ? (uint64_t)f->jbe : 0), 0)))
    return -1;
  if (fast)
    return n;
  if (copy)
    return (out[n++] = attach_at(p->copy, path, f->file_off + (uint64_t)f->copy, 0)) ? n : -1;
  for (int i = 0; i < f->n_rets; i++)
    if (!(out[n++] = attach_at(p->ret, path, f->file_off + f->rets[i], 0)))
      return -1;
  return n;
}

/* TAPLINE_GO_PROBES=general: the plan for code of another shape (first instruction, every RET)
 * even where the cheap one fits, so that tests exercise it on the Go they have. */
static int general_plan(void)
{
  const char *v = getenv("TAPLINE_GO_PROBES");
  return v && strcmp(v, "general") == 0;
}

/* What the file is (enum tl_tls_lib) and, for a hookable Go binary, where the probes go:
 * TL_LIB_GO_UNSUPPORTED then means "attach next". */
static int go_plan(const char *path, char *version, size_t vlen, struct go_func *rd, struct go_func *wr)
{
  version[0] = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return TL_LIB_NONE;
  elf_version(EV_CURRENT);
  Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
  int lib = TL_LIB_NONE;
  if (!e || !go_version(fd, e, version, vlen))
    goto out;
  int major = 0, minor = 0;
  const char *g = strstr(version, "go");
  int known = g && sscanf(g, "go%d.%d", &major, &minor) == 2;
  uint64_t memmove_va = 0;
  if (!find_funcs(e, rd, wr, &memmove_va)) {
    lib = TL_LIB_GO_STRIPPED;
    goto out;
  }
  if (!rd->found || !wr->found) {
    lib = TL_LIB_GO_PLAIN;
    goto out;
  }
  if (known && major == 1 && minor < 17) {
    lib = TL_LIB_GO_OLD; /* arguments on the stack: go-tls.bpf.h reads registers */
    goto out;
  }
  lib = TL_LIB_GO_UNSUPPORTED;
  decode_func(fd, rd, memmove_va);
  decode_func(fd, wr, 0); /* Write's bytes are copied at its entry */
  if (general_plan()) {
    rd->jbe = rd->copy = rd->spill = -1;
    wr->jbe = wr->copy = wr->spill = -1;
  }
out:
  if (e)
    elf_end(e);
  close(fd);
  return lib;
}

/* --go-probes PATH: where the probes would go, as JSON on stdout (for tests; needs no root). */
int tl_go_print_probes(const char *path)
{
  char version[TL_COMM_LEN];
  struct go_func f[2] = { 0 };
  int lib = go_plan(path, version, sizeof(version), &f[0], &f[1]);
  if (lib == TL_LIB_GO_UNSUPPORTED && f[0].n_rets > 0 && f[1].n_rets > 0)
    lib = TL_LIB_GO_TLS; /* what attaching would make of it */
  printf("{\"lib\":%d,\"version\":\"%s\"", lib, version);
  static const char *const names[] = { "read", "write" };
  for (int i = 0; i < 2; i++) {
    if (!f[i].found)
      continue;
    printf(",\"%s\":{\"offset\":%llu,\"size\":%llu,\"rets\":[", names[i], (unsigned long long)f[i].file_off,
           (unsigned long long)f[i].size);
    for (int j = 0; j < f[i].n_rets; j++)
      printf("%s%llu", j ? "," : "", (unsigned long long)f[i].rets[j]);
    printf("],\"decoded\":%s,\"jbe\":%lld,\"copy\":%lld,\"spill\":%lld}", f[i].n_rets >= 0 ? "true" : "false",
           (long long)f[i].jbe, (long long)f[i].copy, (long long)f[i].spill);
  }
  printf("}\n");
  return 0;
}

int tl_go_inspect(struct tapline *skel, const char *path, char *version, size_t vlen, int verbose)
{
  struct go_func rd = { 0 }, wr = { 0 };
  int lib = go_plan(path, version, vlen, &rd, &wr);
  if (lib != TL_LIB_GO_UNSUPPORTED)
    return lib;
#if defined(__x86_64__)
  if (n_go_files >= GO_MAX_FILES)
    return lib;
  int slot = n_go_files;
  const struct go_progs rp = { skel->progs.tl_go_read, skel->progs.tl_go_read_jbe, skel->progs.tl_go_read_copy, skel->progs.tl_go_ret,
                                skel->progs.tl_go_read_spilled };
  const struct go_progs wp = { skel->progs.tl_go_write, skel->progs.tl_go_write_jbe, NULL, skel->progs.tl_go_ret, NULL };
  int a = attach_func(path, &rd, &rp, links[slot]);
  int b = a < 0 ? -1 : attach_func(path, &wr, &wp, links[slot] + 1 + GO_MAX_RETS);
  if (a < 0 || b < 0) {
    tl_warn("could not attach Go crypto/tls uprobes to %s", path);
    detach_file(slot);
    return lib;
  }
  n_go_files++;
  lib = TL_LIB_GO_TLS;
  if (verbose)
    fprintf(stderr, "tapline-loader: Go crypto/tls uprobes on %s (%s, %d probes)\n", path, version, a + b);
#endif
  return lib;
}

int tl_go_targets(void) { return n_go_files; }

void tl_go_detach(void)
{
  for (int i = 0; i < n_go_files; i++)
    detach_file(i);
}
