// Runtime validation of every tapline/1 message. Clients validate what a sensor sends (an
// invalid message is logged and dropped); the sensor validates what clients send.
import { Checker, type JsonRecord, type Validation } from './check';
import { PROTOCOL_NAME, type ClientMessage, type ErrorCode, type SensorMessage } from './messages';
import { checkDesyncMessage } from './desync';
import { checkTransaction } from './validate-transaction';
import { checkVisibility } from './visibility';

/** The sensor never batches more than this; a client refuses larger batches. */
export const MAX_BATCH_ITEMS = 5000;

const ERROR_CODES: readonly ErrorCode[] = ['bad-message', 'unsupported', 'internal', 'capture-failed'];
const COUNTERS = ['transactions', 'capturedEvents', 'capturedBytes', 'droppedEvents', 'queueDropped', 'parseErrors', 'redactions', 'truncated', 'deduplicated', 'activeConnections'] as const;

function checkHello(c: Checker, m: JsonRecord): void {
  if (m.protocol !== PROTOCOL_NAME) c.fail('$.protocol', `expected ${JSON.stringify(PROTOCOL_NAME)}`);
  const s = c.record(m.sensor, '$.sensor');
  if (s) {
    c.string(s, 'id', '$.sensor', { min: 1, max: 256 });
    c.string(s, 'name', '$.sensor', { max: 256 });
    c.string(s, 'version', '$.sensor', { max: 64 });
    c.string(s, 'hostname', '$.sensor', { max: 256 });
    c.oneOf(s, 'mode', '$.sensor', ['ebpf', 'replay'] as const);
    c.string(s, 'kernel', '$.sensor', { optional: true, max: 256 });
  }
  // Unknown capabilities are allowed (newer sensors); only their type is checked.
  c.stringList(m, 'capabilities', '$', { maxItems: 100, max: 64 });
  c.number(m, 'serverTime', '$', { min: 0 });
  c.number(m, 'maxBodyBytes', '$', { integer: true, min: 0 });
}

function checkFilters(c: Checker, value: unknown): void {
  const f = c.record(value, '$.filters');
  if (!f) return;
  const p = '$.filters';
  c.stringList(f, 'services', p, { optional: true, maxItems: 1000, max: 1024 });
  c.stringList(f, 'methods', p, { optional: true, maxItems: 100, max: 64 });
  c.stringList(f, 'pathPrefixes', p, { optional: true, maxItems: 1000, max: 4096 });
  c.stringList(f, 'processes', p, { optional: true, maxItems: 1000, max: 256 });
  if (f.pids !== undefined) {
    const pids = c.array(f.pids, `${p}.pids`, 1000);
    pids?.forEach((pid, i) => {
      if (typeof pid !== 'number' || !Number.isInteger(pid) || pid < 0) c.fail(`${p}.pids[${i}]`, 'expected a non-negative integer');
    });
  }
  c.number(f, 'statusMin', p, { optional: true, integer: true, min: 100, max: 999 });
  c.number(f, 'statusMax', p, { optional: true, integer: true, min: 100, max: 999 });
  c.boolean(f, 'includeBodies', p, { optional: true });
}

const PUBLISH_STATES = ['connecting', 'connected', 'disconnected', 'failed'] as const;

function checkPublishStatus(c: Checker, value: unknown): void {
  const p = c.record(value, '$.publish');
  if (!p) return;
  c.oneOf(p, 'state', '$.publish', PUBLISH_STATES);
  c.string(p, 'url', '$.publish', { max: 1024 });
  c.string(p, 'detail', '$.publish', { max: 1024 });
  for (const key of ['published', 'pending', 'dropped']) c.number(p, key, '$.publish', { integer: true, min: 0 });
}

function checkError(c: Checker, m: JsonRecord): void {
  c.oneOf(m, 'code', '$', ERROR_CODES);
  c.string(m, 'message', '$', { max: 4096 });
}

export function validateSensorMessage(value: unknown): Validation<SensorMessage> {
  const c = new Checker();
  const m = c.record(value, '$');
  if (!m) return c.result<SensorMessage>(value);
  switch (m.type) {
    case 'hello':
      checkHello(c, m);
      break;
    case 'transactions': {
      const items = c.array(m.items, '$.items', MAX_BATCH_ITEMS);
      items?.forEach((item, i) => checkTransaction(c, item, `$.items[${i}]`));
      break;
    }
    case 'stats': {
      c.number(m, 'at', '$', { min: 0 });
      c.number(m, 'uptimeMs', '$', { min: 0 });
      const counters = c.record(m.counters, '$.counters');
      if (counters) {
        for (const key of COUNTERS) c.number(counters, key, '$.counters', { integer: true, min: 0 });
        c.number(counters, 'sampledOut', '$.counters', { optional: true, integer: true, min: 0 });
        c.number(counters, 'desyncs', '$.counters', { optional: true, integer: true, min: 0 });
      }
      if (m.publish !== undefined) checkPublishStatus(c, m.publish);
      break;
    }
    case 'error':
      checkError(c, m);
      break;
    case 'desync':
      checkDesyncMessage(c, m);
      break;
    case 'visibility':
      checkVisibility(c, m);
      break;
    default:
      c.fail('$.type', `unknown sensor message type ${typeof m.type === 'string' ? JSON.stringify(m.type.slice(0, 64)) : '(missing)'}`);
  }
  return c.result<SensorMessage>(value);
}

export function validateClientMessage(value: unknown): Validation<ClientMessage> {
  const c = new Checker();
  const m = c.record(value, '$');
  if (!m) return c.result<ClientMessage>(value);
  switch (m.type) {
    case 'subscribe':
      checkFilters(c, m.filters);
      break;
    case 'error':
      checkError(c, m);
      break;
    default:
      c.fail('$.type', `unknown client message type ${typeof m.type === 'string' ? JSON.stringify(m.type.slice(0, 64)) : '(missing)'}`);
  }
  return c.result<ClientMessage>(value);
}

/** Parse a text frame and validate it; JSON syntax errors become a problem at `$`. */
export function parseSensorMessage(text: string): Validation<SensorMessage> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problems: [{ path: '$', message: 'not valid JSON' }] };
  }
  return validateSensorMessage(value);
}

export function parseClientMessage(text: string): Validation<ClientMessage> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problems: [{ path: '$', message: 'not valid JSON' }] };
  }
  return validateClientMessage(value);
}
