/* Where OpenSSL's read and write probes go. A uprobe on an instruction the kernel does not
 * emulate is single-stepped, a second trap (bench/uprobe-trap.ts: ~16 µs a hit on this VM against
 * ~0.9 µs on a push). node's statically linked SSL_read/SSL_write begin with `push rbp`
 * (emulated), but a distribution's libssl.so.3 (Debian's, built with the stack protector) begins
 * SSL_read, SSL_write and their _ex variants with `sub rsp, N`: every probe hit there, and the
 * uretprobe that shares its breakpoint, is single-stepped. Each of those four only wraps one
 * internal function with the _ex signature (OpenSSL 1.1.1 on: ssl_read_internal / ssl_write_internal
 * (SSL *s, void *buf, size_t num, size_t *done), returning 1 on success), which starts with a
 * push. So when both exported functions of a pair start with another instruction and their first
 * direct call goes to the same function, and that function starts with a push, the probes go on
 * it (the _ex entry program and the return probe), found by decoding the code with Capstone. */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>
#include <capstone/capstone.h>
#include "loader.h"

#define SCAN_BYTES 96 /* the call comes within the first few instructions */

/* Virtual address of the defined function `name` in .dynsym, or 0. */
static uint64_t dynsym_va(Elf *e, const char *name)
{
  Elf_Scn *scn = NULL;
  while ((scn = elf_nextscn(e, scn))) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNSYM || !sh.sh_entsize)
      continue;
    Elf_Data *data = elf_getdata(scn, NULL);
    size_t n = sh.sh_size / sh.sh_entsize;
    for (size_t i = 0; data && i < n; i++) {
      GElf_Sym sym;
      if (!gelf_getsym(data, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF)
        continue;
      const char *s = elf_strptr(e, sh.sh_link, sym.st_name);
      if (s && strcmp(s, name) == 0)
        return sym.st_value;
    }
  }
  return 0;
}

/* File offset of `va` through the PT_LOAD segments, or 0. */
static uint64_t file_off(Elf *e, uint64_t va)
{
  size_t n;
  if (!va || elf_getphdrnum(e, &n) != 0)
    return 0;
  for (size_t i = 0; i < n; i++) {
    GElf_Phdr ph;
    if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD && (ph.p_flags & PF_X) && va >= ph.p_vaddr &&
        va < ph.p_vaddr + ph.p_filesz)
      return va - ph.p_vaddr + ph.p_offset;
  }
  return 0;
}

static int emulated(unsigned int id)
{
  return id == X86_INS_PUSH || id == X86_INS_CALL || id == X86_INS_JMP || id == X86_INS_NOP;
}

/* Decodes the code at `va`. *first gets its first instruction's id; returns the target of its
 * first direct call before any ret or jmp, or 0. */
static uint64_t first_call(csh h, int fd, Elf *e, uint64_t va, unsigned int *first)
{
  uint8_t code[SCAN_BYTES];
  uint64_t off = file_off(e, va);
  *first = X86_INS_INVALID;
  if (!off || pread(fd, code, sizeof(code), (off_t)off) != (ssize_t)sizeof(code))
    return 0;
  cs_insn *insn = cs_malloc(h);
  const uint8_t *p = code;
  size_t left = sizeof(code);
  uint64_t addr = va, target = 0;
  for (int i = 0; !target && cs_disasm_iter(h, &p, &left, &addr, insn); i++) {
    if (i == 0)
      *first = insn->id;
    if (insn->id == X86_INS_RET || insn->id == X86_INS_JMP)
      break;
    if (insn->id == X86_INS_CALL && insn->detail->x86.op_count == 1 && insn->detail->x86.operands[0].type == X86_OP_IMM)
      target = (uint64_t)insn->detail->x86.operands[0].imm;
  }
  cs_free(insn, 1);
  return target;
}

uint64_t tl_ssl_inner(const char *path, const char *plain, const char *ex)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  elf_version(EV_CURRENT);
  Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
  csh h;
  uint64_t result = 0;
  if (e && cs_open(CS_ARCH_X86, CS_MODE_64, &h) == CS_ERR_OK) {
    cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
    unsigned int first_plain, first_ex, first_inner;
    uint64_t a = first_call(h, fd, e, dynsym_va(e, plain), &first_plain);
    uint64_t b = first_call(h, fd, e, dynsym_va(e, ex), &first_ex);
    if (a && a == b && !emulated(first_plain) && !emulated(first_ex)) {
      first_call(h, fd, e, a, &first_inner);
      if (first_inner == X86_INS_PUSH)
        result = file_off(e, a);
    }
    cs_close(&h);
  }
  if (e)
    elf_end(e);
  close(fd);
  return result;
}
