// The traced HTTP/2 server of the sensor benchmarks (sensor-overhead.ts's h2 row, sensor-replay's
// --h2 recording): node's http2 over its own OpenSSL, one small JSON answer. Run with
// `node -e H2_SERVER KEY CERT`; it prints its port.
export const H2_SERVER = `
const http2 = require('node:http2'), fs = require('node:fs');
const body = JSON.stringify({ id: 42, name: 'tapline', tags: ['a', 'b'], ok: true });
const server = http2.createSecureServer({ key: fs.readFileSync(process.argv[1]), cert: fs.readFileSync(process.argv[2]) });
server.on('stream', (stream) => { stream.respond({ ':status': 200, 'content-type': 'application/json' }); stream.end(body); });
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;
