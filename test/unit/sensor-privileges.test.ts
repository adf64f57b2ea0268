// Whom a root sensor becomes once started (sensor/src/privileges.ts): found by name or uid,
// never fatal when it cannot switch (a warning says why), and `root` means stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findUser, planUserSwitch } from '../../sensor/src/privileges';
import { UsageError, parseSensorArgs } from '../../sensor/src/cli/args';

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nbroken:x:abc:1::/:/bin/sh\n';
const ALL_CAPS = 'CapEff:\t000001ffffffffff\n';
const FOUR_CAPS = 'CapEff:\t000000c000080004\n';

test('users by name or uid; malformed lines ignored', () => {
  assert.deepEqual(findUser(PASSWD, 'nobody'), { name: 'nobody', uid: 65534, gid: 65534 });
  assert.deepEqual(findUser(PASSWD, '65534'), { name: 'nobody', uid: 65534, gid: 65534 });
  assert.equal(findUser(PASSWD, 'broken'), undefined);
  assert.equal(findUser(PASSWD, 'alice'), undefined);
});

test('the switch: root with CAP_SETUID/SETGID becomes the user; otherwise a warning, never a failure', () => {
  assert.deepEqual(planUserSwitch('nobody', { euid: 0, passwd: PASSWD, status: ALL_CAPS }), { user: { name: 'nobody', uid: 65534, gid: 65534 } });
  assert.deepEqual(planUserSwitch('root', { euid: 0, passwd: PASSWD, status: ALL_CAPS }), {}, 'root stays root');
  assert.deepEqual(planUserSwitch('nobody', { euid: 1000, passwd: PASSWD, status: ALL_CAPS }), {}, 'not root: nothing to drop');
  assert.match(planUserSwitch('alice', { euid: 0, passwd: PASSWD, status: ALL_CAPS }).warning ?? '', /user alice is not in \/etc\/passwd/);
  assert.match(planUserSwitch('nobody', { euid: 0, passwd: PASSWD, status: FOUR_CAPS }).warning ?? '', /without CAP_SETUID and CAP_SETGID/);
});

test('--user: default nobody, names and uids accepted, anything else a usage error', () => {
  assert.equal(parseSensorArgs([]).user, 'nobody');
  assert.equal(parseSensorArgs(['--user', 'tapline']).user, 'tapline');
  assert.equal(parseSensorArgs(['--user', '1001']).user, '1001');
  assert.throws(() => parseSensorArgs(['--user', 'a b']), UsageError);
});
