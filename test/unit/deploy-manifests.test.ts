// sensor/deploy against Kubernetes' own schemas (kubernetes-models, generated from the API's
// OpenAPI): the plain manifests and the chart rendered with its defaults and with every option
// on. And the security context: no privileged, nothing escalates, and every added capability is
// one docs/cluster.md justifies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { isRecord } from '../../core/src/json-record';
import { renderChart } from '../support/helm-subset';

const ROOT = join(__dirname, '..', '..');
const DEPLOY = join(ROOT, 'sensor', 'deploy');

type Model = { validate(): void };
const MODELS: Record<string, (o: Record<string, unknown>) => Model> = {
  'v1/Namespace': (o) => new Namespace(o as never),
  'v1/Secret': (o) => new Secret(o as never),
  'v1/ServiceAccount': (o) => new ServiceAccount(o as never),
  'apps/v1/DaemonSet': (o) => new DaemonSet(o as never),
  'rbac.authorization.k8s.io/v1/ClusterRole': (o) => new ClusterRole(o as never),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': (o) => new ClusterRoleBinding(o as never),
};

function validateAll(objects: unknown[]): string[] {
  const kinds: string[] = [];
  for (const o of objects) {
    assert.ok(isRecord(o), 'each document is an object');
    const key = `${String(o.apiVersion)}/${String(o.kind)}`;
    const make = MODELS[key];
    assert.ok(make, `a schema for ${key}`);
    assert.doesNotThrow(() => make(o).validate(), `${key} ${JSON.stringify((o.metadata as { name?: string } | undefined)?.name)} validates`);
    kinds.push(String(o.kind));
  }
  return kinds;
}

function plainManifests(): unknown[] {
  return parseAllDocuments(readFileSync(join(DEPLOY, 'daemonset.yaml'), 'utf8'), { version: '1.1' }).map((d) => d.toJS() as unknown);
}

/** The capabilities docs/cluster.md's table justifies (first column, backticked). */
function justifiedCapabilities(): Set<string> {
  const doc = readFileSync(join(ROOT, 'docs', 'cluster.md'), 'utf8');
  const section = doc.split('## Security context')[1]?.split('\n## ')[0] ?? '';
  return new Set([...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1] ?? ''));
}

interface Container {
  name: string;
  securityContext?: { privileged?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { add?: string[]; drop?: string[] } };
}

function containersOf(objects: unknown[]): Container[] {
  const out: Container[] = [];
  for (const o of objects) {
    if (!isRecord(o) || o.kind !== 'DaemonSet') continue;
    const spec = (o as { spec: { template: { spec: { containers: Container[]; initContainers?: Container[] } } } }).spec.template.spec;
    out.push(...spec.containers, ...(spec.initContainers ?? []));
  }
  return out;
}

function checkSecurity(objects: unknown[]): void {
  const justified = justifiedCapabilities();
  assert.ok(justified.size >= 2, 'docs/cluster.md lists the capabilities');
  const containers = containersOf(objects);
  assert.ok(containers.length > 0);
  for (const c of containers) {
    const sc = c.securityContext;
    assert.ok(sc, `${c.name} has a security context`);
    assert.notEqual(sc.privileged, true, `${c.name} is not privileged`);
    assert.equal(sc.allowPrivilegeEscalation, false, `${c.name} cannot escalate`);
    assert.deepEqual(sc.capabilities?.drop, ['ALL'], `${c.name} drops every capability first`);
    for (const cap of sc.capabilities?.add ?? []) assert.ok(justified.has(cap.replace(/^CAP_/, '')), `${c.name} adds ${cap}, which docs/cluster.md does not justify`);
  }
}

test('the plain manifests validate against the Kubernetes schemas and hold no unjustified capability', () => {
  const objects = plainManifests();
  assert.deepEqual(validateAll(objects), ['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'DaemonSet']);
  checkSecurity(objects);
  const ds = objects.find((o) => isRecord(o) && o.kind === 'DaemonSet') as { spec: { template: { spec: { volumes: Array<{ secret?: { defaultMode: number } }> } } } };
  assert.equal(ds.spec.template.spec.volumes.find((v) => v.secret)?.secret?.defaultMode, 0o400, 'the token is readable by its owner only');
});

test('the chart renders valid objects with its defaults and with every option on', () => {
  const defaults = renderChart({ chartDir: join(DEPLOY, 'chart'), releaseName: 'tapline-sensor', namespace: 'tapline' });
  assert.deepEqual(validateAll(defaults).sort(), ['ClusterRole', 'ClusterRoleBinding', 'DaemonSet', 'ServiceAccount']);
  checkSecurity(defaults);
  const full = renderChart({
    chartDir: join(DEPLOY, 'chart'),
    releaseName: 'tl',
    namespace: 'observability',
    values: { token: { value: 's3cret' }, publish: { url: 'nats://nats.tapline:4222', cluster: 'team-dev' }, nodeSelector: { 'kubernetes.io/os': 'linux' }, port: 9000 },
  });
  assert.deepEqual(validateAll(full).sort(), ['ClusterRole', 'ClusterRoleBinding', 'DaemonSet', 'Secret', 'ServiceAccount']);
  checkSecurity(full);
  const secret = full.find((o) => isRecord(o) && o.kind === 'Secret') as { data: { token: string } };
  assert.equal(Buffer.from(secret.data.token, 'base64').toString(), 's3cret');
  const [container] = containersOf(full) as Array<Container & { args: string[] }>;
  assert.deepEqual(container?.args, ['--listen=127.0.0.1:9000', '--token-file=/var/run/tapline/token', '--max-body=65536', '--publish=nats://nats.tapline:4222', '--cluster=team-dev']);
});

test('the chart and the plain manifests grant the same capabilities and RBAC', () => {
  const chart = renderChart({ chartDir: join(DEPLOY, 'chart'), releaseName: 'tapline-sensor', namespace: 'tapline' });
  const plain = plainManifests();
  const caps = (objects: unknown[]): unknown => containersOf(objects).map((c) => c.securityContext);
  assert.deepEqual(caps(chart), caps(plain));
  const rules = (objects: unknown[]): unknown => objects.filter((o) => isRecord(o) && o.kind === 'ClusterRole').map((o) => (o as { rules: unknown }).rules);
  assert.deepEqual(rules(chart), rules(plain));
  assert.deepEqual(rules(plain), [[{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]], 'read pods, nothing else');
});

test('an invalid object is caught (the check can fail)', () => {
  const [ds] = plainManifests().filter((o) => isRecord(o) && o.kind === 'DaemonSet') as Array<{ spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } }>;
  assert.ok(ds);
  const c = ds.spec.template.spec.containers[0];
  assert.ok(c);
  c.securityContext = { capabilities: { add: 'SYS_ADMIN' } };
  assert.throws(() => new DaemonSet(ds as never).validate(), /capabilities\/add must be array/);
  c.securityContext = { privileged: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } };
  assert.throws(() => checkSecurity([ds]), /privileged/);
});

test('the chart renderer refuses what it does not implement rather than render it wrong', async () => {
  const { renderTemplate } = await import('../support/helm-subset');
  const scope = { Values: { a: 'x', on: true } };
  assert.equal(renderTemplate('k: {{ .Values.a | quote }}\n{{- if .Values.on }}\nb: 1\n{{- else }}\nb: 2\n{{- end }}\n', scope), 'k: "x"\nb: 1\n');
  assert.throws(() => renderTemplate('{{ include "x" . }}', scope), /unsupported action/);
  assert.throws(() => renderTemplate('{{ .Values.a | upper }}', scope), /unsupported function upper/);
  assert.throws(() => renderTemplate('{{ if .Values.on }}', scope), /if without end/);
});
