// The kernel's per-process early exit (net_procs in sensor/bpf/state.bpf.h): the syscall programs
// of a process stop before any map lookup unless the process may hold a TCP socket. Two ways of
// getting a socket that no socket()/connect()/accept() of the process itself shows, each captured:
// a keep-alive connection opened before the sensor started (the loader's seed), and a connection
// inherited across fork + exec (the fork hook). The server is Python, untraced (comm filter), so
// that the node clients' side is the one reported.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EbpfSource } from '../../sensor/src/capture/ebpf-source';
import { EventLog, gate, isData, lineFrom, loaderPath, stopChildren, text } from './ebpf-helpers';

const PY_SERVER = `
import http.server
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    # Buffered: head and body leave in one write. Unbuffered they were two, and the heir, which
    # exits at its first read, sometimes read only the head — the body the test waits for never came.
    wbufsize = -1
    def do_GET(self):
        b = b'{"path":"' + self.path.encode() + b'"}'
        self.send_response(200)
        self.send_header('content-length', str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
print(s.server_port, flush=True)
s.serve_forever()
`;

/** Connects at once; sends its request over that connection when told to on stdin. */
const EARLY_CLIENT = `
const net = require('node:net');
const sock = net.connect(Number(process.argv[1]), '127.0.0.1', () => console.log('connected'));
sock.on('data', (d) => console.log('answer ' + String(d).split('\\r\\n')[0]));
process.stdin.once('data', () => sock.write('GET /opened-before-the-sensor HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'));
`;

/** Uses the connection it inherited as fd argv[1]: no socket call of its own. */
const HEIR = `
const net = require('node:net');
const sock = new net.Socket({ fd: Number(process.argv[1]), readable: true, writable: true });
sock.once('data', (d) => { console.log('answer ' + String(d).split('\\r\\n')[0]); process.exit(0); });
sock.write('GET /inherited-across-fork HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n');
`;

/** Started with no socket; on stdin, connects and hands the connection to a node child. */
const FORKER = `
import socket, subprocess, sys
sys.stdin.readline()
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
child = subprocess.Popen([sys.argv[2], '-e', sys.argv[3], str(s.fileno())], pass_fds=[s.fileno()], stdout=subprocess.PIPE)
print('heir', child.pid, child.stdout.readline().decode().strip(), flush=True)
child.wait()
`;

/** Started with no socket; on stdin, binds a datagram Unix socket at argv[1] (no connect, no
 * accept: nothing that marks it), receives a TCP connection by SCM_RIGHTS and sends its request. */
const RECEIVER = `
import os, socket, sys
sys.stdin.readline()
u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
u.bind(sys.argv[1])
print('bound', flush=True)
msg, fds, flags, addr = socket.recv_fds(u, 16, 1)
s = socket.socket(fileno=fds[0])
s.sendall(b'GET /passed-by-scm-rights HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n')
print('answer', s.recv(4096).split(b'\\r\\n')[0].decode(), flush=True)
`;

/** Connects to the server and hands the connection to the Unix socket at argv[2]. */
const SENDER = `
import socket, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
u.connect(sys.argv[2])
socket.send_fds(u, [b'x'], [s.fileno()])
`;

/** A wait that fails naming what it waited for (a missed socket would otherwise hang the suite). */
function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not captured within 20 s: ${what}`)), 20_000)));
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

test('sockets a process did not open while the sensor ran are still seen: held since before it started, inherited across fork', async (t) => {
  if (!gate(t)) return;
  const children: ChildProcess[] = [];
  const start = (cmd: string, args: string[]): ChildProcess => {
    const c = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(c);
    return c;
  };
  const log = new EventLog();
  const errors: Error[] = [];
  const source = new EbpfSource({ loaderPath, comms: ['node'], ssl: false });
  try {
    const server = start('/usr/bin/python3', ['-c', PY_SERVER]);
    const port = (await lineFrom(server, /^(\d+)\n/))[1]!;
    const early = start(process.execPath, ['-e', EARLY_CLIENT, port]);
    const earlyAnswer = lineFrom(early, /answer (.*)\n/);
    await lineFrom(early, /connected\n/);
    const forker = start('/usr/bin/python3', ['-c', FORKER, port, process.execPath, HEIR]);

    await source.start(log.push, (e) => errors.push(e));
    early.stdin!.write('go\n');
    forker.stdin!.write('go\n');
    assert.equal((await earlyAnswer)[1], 'HTTP/1.1 200 OK');
    const heir = await lineFrom(forker, /heir (\d+) answer (.*)\n/);
    assert.equal(heir[2], 'HTTP/1.1 200 OK');

    const request = (pid: number, path: string) =>
      log.waitFor((e) => isData(e) && e.pid === pid && e.direction === 'write' && text(e).startsWith(`GET ${path} `));
    const response = (pid: number, path: string) =>
      log.waitFor((e) => isData(e) && e.pid === pid && e.direction === 'read' && text(e).endsWith(`{"path":"${path}"}`));
    await within(Promise.all([request(early.pid!, '/opened-before-the-sensor'), response(early.pid!, '/opened-before-the-sensor')]),
      'the exchange on the connection opened before the sensor started');
    await within(Promise.all([request(Number(heir[1]), '/inherited-across-fork'), response(Number(heir[1]), '/inherited-across-fork')]),
      'the exchange on the connection inherited across fork + exec');
    // The untraced server's side stays out of the stream.
    assert.equal(log.events.filter((e) => isData(e) && e.pid === server.pid).length, 0);
    assert.deepEqual(errors, []);
  } finally {
    await source.stop();
    await stopChildren(children);
  }
});

test('a TCP connection received by SCM_RIGHTS, by a process that never made a socket call of its own, is seen', async (t) => {
  if (!gate(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'tapline-scm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const children: ChildProcess[] = [];
  const start = (args: string[], exe = '/usr/bin/python3'): ChildProcess => {
    const c = spawn(exe, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(c);
    return c;
  };
  // The receiver runs under its own name (a link to python3), so that only it is traced, and
  // starts after the loader: the loader's seed would mark it for its stdio sockets otherwise.
  const exe = join(dir, 'scmrecv');
  symlinkSync('/usr/bin/python3', exe);
  const log = new EventLog();
  const errors: Error[] = [];
  const server = start(['-c', PY_SERVER]);
  const source = new EbpfSource({ loaderPath, comms: ['scmrecv'], ssl: false });
  try {
    const port = (await lineFrom(server, /^(\d+)\n/))[1]!;
    await source.start(log.push, (e) => errors.push(e));
    const receiver = start(['-c', RECEIVER, join(dir, 'u')], exe);
    const answer = lineFrom(receiver, /answer (.*)\n/);
    receiver.stdin!.write('go\n');
    await lineFrom(receiver, /bound\n/);
    const sender = start(['-c', SENDER, port, join(dir, 'u')]);
    const [code] = (await once(sender, 'exit')) as [number | null];
    assert.equal(code, 0, 'the sender handed the connection over');
    assert.equal((await answer)[1], 'HTTP/1.1 200 OK');
    await within(
      log.waitFor((e) => isData(e) && e.pid === receiver.pid && e.direction === 'write' && text(e).startsWith('GET /passed-by-scm-rights ')),
      'the request on the connection received by SCM_RIGHTS',
    );
    assert.deepEqual(errors, []);
  } finally {
    await source.stop();
    await stopChildren(children);
  }
});
