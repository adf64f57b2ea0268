// "Block at the gateway" edits of the policy file, planned in core: format-preserving (one
// minimal edit; comments, quoting and order elsewhere untouched), re-validated, idempotent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planPolicyEdit } from '../../core/src/gateway/policy-edit';
import { parsePolicyText } from '../../core/src/gateway/policy';
import { applyTextEdits } from '../../core/src/patch/text-edit';

const YAML = `# our gateway policy
mode: report   # until we trust it

deny:
  - 'GET /old'   # zombie
block:
  - name: scraper
    ip: [203.0.113.9]
`;

function policyOf(text: string) {
  const p = parsePolicyText(text);
  assert.ok(p.ok, text);
  return p.policy;
}

test('deny, block and mode edits keep everything else byte for byte', () => {
  const deny = planPolicyEdit('file:///w/tapline-gateway.yaml', YAML, { kind: 'deny', operation: 'DELETE /pets/{petId}' });
  assert.ok(deny.ok && deny.edit);
  assert.equal(applyTextEdits(YAML, [deny.edit]), deny.newText);
  assert.ok(deny.newText.startsWith("# our gateway policy\nmode: report   # until we trust it\n\ndeny:\n  - 'GET /old'   # zombie\n"));
  assert.deepEqual(policyOf(deny.newText).deny, ['GET /old', 'DELETE /pets/{petId}']);
  assert.equal(deny.title, 'Block DELETE /pets/{petId} at the gateway');

  const block = planPolicyEdit('file:///w/tapline-gateway.yaml', YAML, { kind: 'block', name: 'key-1', selector: { kind: 'header', header: 'X-Api-Key', values: ['abc'] }, operations: ['GET /pets'] });
  assert.ok(block.ok && block.edit);
  assert.equal(block.edit.start >= YAML.indexOf('ip: [203.0.113.9]'), true, 'the edit starts after the existing blocks');
  const blocks = policyOf(block.newText).blocks;
  assert.deepEqual(blocks.map((b) => [b.name, b.selector, b.operations]), [
    ['scraper', { kind: 'ip', values: ['203.0.113.9'] }, '*'],
    ['key-1', { kind: 'header', header: 'X-Api-Key', values: ['abc'] }, ['GET /pets']],
  ]);

  const mode = planPolicyEdit('file:///w/tapline-gateway.yaml', YAML, { kind: 'mode', mode: 'enforce' });
  assert.ok(mode.ok && mode.edit);
  assert.equal(mode.newText, YAML.replace('mode: report', 'mode: enforce'), 'the comment on the line stays');
});

test('a missing file is created; JSON policies are edited as JSON', () => {
  const created = planPolicyEdit('file:///w/tapline-gateway.yaml', undefined, { kind: 'block', name: 'eve', selector: { kind: 'jwtSub', values: ['eve'] }, operations: '*' });
  assert.ok(created.ok);
  assert.equal(created.edit, undefined, 'no edit of an existing text: the caller creates the file');
  assert.deepEqual(policyOf(created.newText).blocks[0]?.selector, { kind: 'jwtSub', values: ['eve'] });
  const json = '{\n  "deny": []\n}\n';
  const edited = planPolicyEdit('file:///w/tapline-gateway.json', json, { kind: 'deny', operation: 'GET /x' });
  assert.ok(edited.ok);
  assert.deepEqual(JSON.parse(edited.newText), { deny: ['GET /x'] });
});

test('no-ops plan nothing; conflicts and broken files are refused with a reason', () => {
  const again = planPolicyEdit('file:///p.yaml', YAML, { kind: 'deny', operation: 'GET /old' });
  assert.ok(again.ok);
  assert.equal(again.edit, undefined);
  assert.equal(again.newText, YAML);
  const clash = planPolicyEdit('file:///p.yaml', YAML, { kind: 'block', name: 'scraper', selector: { kind: 'ip', values: ['10.0.0.1'] }, operations: '*' });
  assert.ok(!clash.ok && /already exists/.test(clash.message));
  const broken = planPolicyEdit('file:///p.yaml', 'mode: audit\n', { kind: 'deny', operation: 'GET /x' });
  assert.ok(!broken.ok && /fix them first/.test(broken.message));
  const bad = planPolicyEdit('file:///p.yaml', YAML, { kind: 'deny', operation: 'get /x' });
  assert.ok(!bad.ok && /not an operation like/.test(bad.message));
});
