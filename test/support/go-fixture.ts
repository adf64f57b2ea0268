// Builds test/fixtures/go-tls (a Go HTTPS server and client, standard library only) with Debian's
// golang-go, offline (GOPROXY=off), into a folder keyed by the source's hash: built once, then
// reused by every test and every run until main.go changes. A normal and a stripped
// (-ldflags=-s -w) binary, since the sensor must report the stripped one as unreadable, and a
// stripped one without its Go build info (objcopy): a TLS stack the sensor cannot even name.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SOURCE = join(import.meta.dirname ?? __dirname, '..', 'fixtures', 'go-tls');

export interface GoFixture {
  /** With its symbol table: the sensor hooks its crypto/tls. */
  binary: string;
  /** Without (-s -w): the sensor reports it as unreadable. */
  stripped: string;
  /** Stripped and without .go.buildinfo: not recognisable as Go, only its TLS records show. */
  anonymous: string;
  version: string;
}

/** Why Go programs cannot be built here, or undefined when they can. */
export function goUnavailable(): string | undefined {
  const v = spawnSync('go', ['version'], { encoding: 'utf8' });
  return v.status === 0 ? undefined : 'needs Go (Debian golang-go; scripts/setup-system.sh installs it)';
}

let built: GoFixture | undefined;

export function buildGoFixture(): GoFixture {
  if (built) return built;
  const hash = createHash('sha256').update(readFileSync(join(SOURCE, 'main.go'))).update(readFileSync(join(SOURCE, 'go.mod'))).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `tapline-go-tls-${hash}`);
  mkdirSync(dir, { recursive: true });
  const env = { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=mod', CGO_ENABLED: '0', GOCACHE: process.env.GOCACHE ?? join(tmpdir(), 'tapline-go-cache'), GOPATH: process.env.GOPATH ?? join(tmpdir(), 'tapline-gopath') };
  const build = (out: string, extra: string[]): string => {
    const target = join(dir, out);
    if (existsSync(target)) return target;
    // Built under a temporary name and renamed: a run interrupted mid-build leaves no half binary.
    const partial = `${target}.${process.pid}.partial`;
    const r = spawnSync('go', ['build', ...extra, '-o', partial, '.'], { cwd: SOURCE, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`go build ${extra.join(' ')} failed:\n${r.stderr}`);
    renameSync(partial, target);
    return target;
  };
  const version = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout.trim();
  const stripped = build('gotls-stripped', ['-ldflags=-s -w']);
  const anonymous = join(dir, 'gotls-anonymous');
  if (!existsSync(anonymous)) {
    const partial = `${anonymous}.${process.pid}.partial`;
    const r = spawnSync('objcopy', ['--remove-section', '.go.buildinfo', stripped, partial], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`objcopy --remove-section .go.buildinfo failed:\n${r.stderr}`);
    renameSync(partial, anonymous);
  }
  built = { binary: build('gotls', []), stripped, anonymous, version };
  return built;
}
