// `tapline diff` applies the user's path templates (`.tapline/templates.json`, as "Tapline: Edit
// Path Template…" writes it) to undocumented traffic: found in the spec's workspace or given with
// --templates; an invalid file is an error that names the problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runTapline, REPO_ROOT } from '../support/cli';
import { harEntry, harLog } from '../support/har-entry';

const SPEC = path.join(REPO_ROOT, 'test/fixtures/workspaces/petstore/openapi.yaml');

function har(paths: string[]): string {
  const entries = paths.map((p, i) => harEntry({ method: 'GET', url: `http://petstore.swagger.io${p}`, startedAt: Date.UTC(2026, 11, 1, 9, 0, i), time: 2, status: 200, statusText: 'OK' }));
  return JSON.stringify(harLog('test', entries));
}

const TRAFFIC = har(['/v1/stores/my-shop-north/pets', '/v1/stores/downtown/pets', '/v1/stores/downtown/pets']);

function workspace(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tapline-cli-templates-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'api'));
  copyFileSync(SPEC, path.join(dir, 'api/openapi.yaml'));
  writeFileSync(path.join(dir, 'traffic.har'), TRAFFIC);
  return dir;
}

type Json = { findings: { code: string; path: string; message: string }[] };
const undocumented = (out: string): string[] =>
  (JSON.parse(out) as Json).findings.filter((f) => f.code === 'undocumented-endpoint').map((f) => f.path).sort();

test('without templates, human-chosen names stay literal: one endpoint per store', async (t) => {
  const dir = workspace(t);
  const r = await runTapline(['diff', '--spec', 'api/openapi.yaml', '--har', 'traffic.har', '--format', 'json', '--fail-on', 'none'], { cwd: dir });
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(undocumented(r.out), ['/stores/downtown/pets', '/stores/my-shop-north/pets']);
});

test("the workspace's .tapline/templates.json (found above the spec's folder) regroups undocumented traffic", async (t) => {
  const dir = workspace(t);
  mkdirSync(path.join(dir, '.tapline'));
  writeFileSync(path.join(dir, '.tapline/templates.json'), '{\n  // written by Edit Path Template\n  "templates": [{ "template": "/v1/stores/{storeName}/pets" }]\n}\n');
  const r = await runTapline(['diff', '--spec', 'api/openapi.yaml', '--har', 'traffic.har', '--format', 'json', '--fail-on', 'none'], { cwd: dir });
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(undocumented(r.out), ['/stores/{storeName}/pets']);
  const finding = (JSON.parse(r.out) as Json).findings.find((f) => f.code === 'undocumented-endpoint');
  assert.match(finding!.message, /\(3 calls to petstore\.swagger\.io\)/);
  assert.match(r.err, /1 path template from .*\/\.tapline\/templates\.json/);
});

test('--templates FILE wins over the workspace; a template for another service does not apply', async (t) => {
  const dir = workspace(t);
  mkdirSync(path.join(dir, '.tapline'));
  writeFileSync(path.join(dir, '.tapline/templates.json'), '{ "templates": ["/v1/stores/{storeName}/pets"] }');
  writeFileSync(path.join(dir, 'mine.json'), '{ "templates": [{ "template": "/v1/stores/{shop}/pets", "service": "petstore.swagger.io" }, { "template": "/v1/{a}/{b}/pets", "service": "elsewhere" }] }');
  const r = await runTapline(['diff', '--spec', 'api/openapi.yaml', '--har', 'traffic.har', '--templates', 'mine.json', '--format', 'json', '--fail-on', 'none'], { cwd: dir });
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(undocumented(r.out), ['/stores/{shop}/pets']);
});

test('an invalid or missing templates file is an error (exit 2) that names the problem', async (t) => {
  const dir = workspace(t);
  mkdirSync(path.join(dir, '.tapline'));
  writeFileSync(path.join(dir, '.tapline/templates.json'), '{ "templates": ["stores/{id}", "/a/{x}/{x}"] }');
  const r = await runTapline(['diff', '--spec', 'api/openapi.yaml', '--har', 'traffic.har'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.err, /templates\.json is not a valid templates file:\n {2}templates\[0\]: a template starts with "\/"\n {2}templates\[1\]: parameter "x" appears twice/);
  assert.equal(r.out, '');
  const missing = await runTapline(['diff', '--spec', 'api/openapi.yaml', '--har', 'traffic.har', '--templates', 'nope.json'], { cwd: dir });
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot read the templates file nope\.json/);
  const noName = await runTapline(['diff', '--spec', 'api/openapi.yaml', '--har', 'traffic.har', '--templates'], { cwd: dir });
  assert.equal(noName.code, 2);
  assert.match(noName.err, /--templates needs a file name/);
});

test('the lookup stops at the repository root (a .git folder or file), or outside one at the current directory', async (t) => {
  const outer = workspace(t);
  const args = (spec = 'api/openapi.yaml'): string[] => ['diff', '--spec', spec, '--har', path.join(outer, 'traffic.har'), '--format', 'json', '--fail-on', 'none'];
  // Another project's (or a home folder's) file above the repository is not this workspace's.
  mkdirSync(path.join(outer, '.tapline'));
  writeFileSync(path.join(outer, '.tapline/templates.json'), '{ "templates": ["/v1/stores/{storeName}/pets"] }');
  for (const [name, makeRoot] of [
    ['a repository', (dir: string) => (mkdirSync(path.join(dir, '.git')), writeFileSync(path.join(dir, '.git/HEAD'), 'ref: refs/heads/main\n'))],
    ['a worktree', (dir: string) => writeFileSync(path.join(dir, '.git'), 'gitdir: /elsewhere/.git/worktrees/x\n')],
  ] as const) {
    const repo = path.join(outer, name.replace(' ', '-'));
    mkdirSync(path.join(repo, 'api'), { recursive: true });
    copyFileSync(SPEC, path.join(repo, 'api/openapi.yaml'));
    makeRoot(repo);
    const r = await runTapline(args(), { cwd: repo });
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(undocumented(r.out), ['/stores/downtown/pets', '/stores/my-shop-north/pets'], `${name}: the file above its root is not read`);
    assert.doesNotMatch(r.err, /path template/);
    // The repository's own file, above the spec's folder, is.
    mkdirSync(path.join(repo, '.tapline'));
    writeFileSync(path.join(repo, '.tapline/templates.json'), '{ "templates": ["/v1/stores/{shop}/pets"] }');
    const own = await runTapline(args('openapi.yaml'), { cwd: path.join(repo, 'api') });
    assert.equal(own.code, 0, own.err);
    assert.deepEqual(undocumented(own.out), ['/stores/{shop}/pets'], `${name}: its own file is found from a folder below`);
  }
  // No repository: not above the current directory.
  const plain = path.join(outer, 'plain');
  mkdirSync(path.join(plain, 'api'), { recursive: true });
  copyFileSync(SPEC, path.join(plain, 'api/openapi.yaml'));
  const r = await runTapline(args(), { cwd: plain });
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(undocumented(r.out), ['/stores/downtown/pets', '/stores/my-shop-north/pets']);
});
