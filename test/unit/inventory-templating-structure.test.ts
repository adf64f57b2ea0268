// The structure evidence of path-trie.ts and structure-evidence.ts, one rule per test, on the
// shapes that the few-values corpus (inventory-templating-few-values.test.ts) showed failing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PathTemplater, templateShape } from '../../core/src/inventory/template';
import { classifySegment } from '../../core/src/inventory/segment-kind';
import { valueShape } from '../../core/src/inventory/structure-evidence';

function shapes(t: PathTemplater, paths: readonly string[]): string[] {
  return paths.map((p) => templateShape(t.template(p)));
}

test('names ending in a number after a separator are values on sight; API words with digits are not', () => {
  for (const name of ['my-group-42', 'eu-west-1', 'prod-cache-2025', 'worker_7', 'backend.v2-3']) assert.equal(classifySegment(name), 'name', name);
  for (const word of ['oauth2', 'v1-2', 'reviews-v1', 'sha256', 'x-1', '2fa-login', 'ipv4']) assert.notEqual(classifySegment(word), 'name', word);
  const t = new PathTemplater();
  assert.equal(t.learn('/resourceGroups/my-group-42/providers'), '/resourceGroups/{resourceGroupId}/providers');
});

test('a word beside a parameter that leads where the parameter leads is one more value of it', () => {
  const t = new PathTemplater();
  const paths = [
    '/subscriptions/1/locations/eu-west-1/checkNameAvailability',
    '/subscriptions/1/locations/us-east-2/checkNameAvailability',
    '/subscriptions/1/locations/westeurope/checkNameAvailability',
  ];
  for (const p of paths) t.observe(p);
  assert.deepEqual(shapes(t, paths), Array(3).fill('/subscriptions/{}/locations/{}/checkNameAvailability'));
  // Later traffic with the folded word keeps the parameter (no flapping back to a literal).
  t.observe('/subscriptions/1/locations/westeurope/usages');
  assert.equal(templateShape(t.template('/subscriptions/1/locations/westeurope/checkNameAvailability')), '/subscriptions/{}/locations/{}/checkNameAvailability');
});

test('literal siblings of a parameter stay literal when they lead elsewhere or only end there', () => {
  const t = new PathTemplater();
  for (const p of ['/users/17/repos', '/users/42/repos', '/users/17', '/users/me', '/users/followers', '/users/search/recent']) t.observe(p);
  assert.equal(t.template('/users/me'), '/users/me');
  assert.equal(t.template('/users/followers'), '/users/followers');
  assert.equal(t.template('/users/search/recent'), '/users/search/recent');
  assert.equal(templateShape(t.template('/users/99/repos')), '/users/{}/repos');
});

test('merging a parameter position with a literal one keeps every template it showed', () => {
  // `connect/envelopes` is a value under one account (a parameter position there) and a literal
  // under another; when the accounts fold together, the merged position must stay a parameter.
  const t = new PathTemplater();
  const seen: string[] = [];
  const paths = [
    '/accounts/acct-app-1/connect/envelopes/heidi/retry',
    '/accounts/acct-app-1/connect/alpha/users', '/accounts/acct-app-1/connect/beta/users', '/accounts/acct-app-1/connect/gamma/users',
    '/accounts/acct-app-1/connect/delta/users', '/accounts/acct-app-1/connect/epsilon/users',
    '/accounts/contoso.example.com/connect/envelopes/heidi/retry', '/accounts/contoso.example.com/connect/alpha/users',
    '/accounts/acct-db-2/connect/envelopes/heidi/retry',
  ];
  const last = new Map<string, string>();
  for (const p of paths) {
    t.observe(p);
    seen.push(p);
    for (const s of seen) {
      const now = t.template(s).split('/');
      const before = last.get(s)?.split('/');
      before?.forEach((seg, i) => {
        if (seg.startsWith('{')) assert.ok(now[i]!.startsWith('{'), `${s}: ${last.get(s)} → ${now.join('/')}`);
      });
      last.set(s, now.join('/'));
    }
  }
});

test('siblings that scope the same deep sub-paths are values of one parameter (`/ws/{dialect}/api/where/…`)', () => {
  const t = new PathTemplater();
  const leaves = ['alert-search', 'bicycle-rental', 'metadata', 'plan-access', 'route-details', 'stops-for-location', 'trip-details', 'vehicles'];
  const paths: string[] = [];
  leaves.forEach((leaf, i) => {
    paths.push(`/ws/mobile/api/where/${leaf}`);
    if (i % 3 !== 1) paths.push(`/ws/otp/api/where/${leaf}`);
  });
  for (const p of paths) t.observe(p);
  assert.equal(templateShape(t.template('/ws/otp/api/where/metadata')), '/ws/{}/api/where/metadata');
  assert.equal(templateShape(t.template('/ws/mobile/api/where/bicycle-rental')), '/ws/{}/api/where/bicycle-rental');
});

test('resources with sub-APIs of their own stay literal though a few sub-paths are alike', () => {
  const t = new PathTemplater();
  const apis: Record<string, string[]> = {
    bitcoin: ['blocks/number', 'blocks/42', 'fees', 'wallets/main/addresses', 'transactions/7/decoded'],
    ethereum: ['blocks/number', 'blocks/42', 'gas/price', 'tokens/erc20/balance', 'contracts/abi/verify', 'wallets/main/nfts'],
    polygon: ['blocks/number', 'gas/price', 'tokens/erc20/transfers', 'staking/validators/list', 'bridges/plasma/exits'],
  };
  for (const [chain, subs] of Object.entries(apis)) for (const sub of subs) t.observe(`/v2/${chain}/${sub}`);
  assert.equal(t.template('/v2/bitcoin/fees'), '/v2/bitcoin/fees');
  assert.equal(t.template('/v2/polygon/gas/price'), '/v2/polygon/gas/price');
});

test('a name-shaped word folds into the parameter when most of where it leads the parameter leads too', () => {
  const t = new PathTemplater();
  for (const p of ['/service/svc-a-1/products', '/service/svc-a-1/apis', '/service/svc-b-2/products', '/service/svc-b-2/policies', '/service/release.prod.example.com/products']) t.observe(p);
  assert.equal(templateShape(t.template('/service/release.prod.example.com/products')), '/service/{}/products');
  // A plain word needs the parameter's continuations overall: `self` leads to one of three, stays.
  for (const p of ['/users/7/password', '/users/7/mfa', '/users/8/tokens', '/users/self/password']) t.observe(p);
  assert.equal(t.template('/users/self/password'), '/users/self/password');
});

test('words beside a parameter of names are judged as its peers, not as vocabulary beside ids', () => {
  // `/v1/{name}` with numbered names, `/v1/{parent}/…` with slugs: one position, two operations.
  const t = new PathTemplater();
  const slugs = ['faq', 'hello-world', 'getting-started', 'about-us'];
  const subs = ['entries', 'fields', 'tags', 'policyTags'];
  for (const v of ['team-vault-34', 'test-group-29']) t.observe(`/v1/${v}`);
  slugs.forEach((s, i) => {
    for (let k = 0; k < 3; k++) t.observe(`/v1/${s}/${subs[(i + k) % 4]!}`);
  });
  assert.equal(templateShape(t.template('/v1/faq/entries')), '/v1/{}/entries');
  assert.equal(templateShape(t.template('/v1/team-vault-34')), '/v1/{}');
});

test('resources listed one by one stay literal when most of their names are words real APIs use as literals', () => {
  // data2crm's `entity/account/list`, `entity/lead/list`, …: alike sub-paths, but `account`,
  // `event`, `task`, `product`, `user` are path words of many real descriptions (path-words.ts).
  const t = new PathTemplater();
  const entities = ['account', 'event', 'task', 'product', 'user', 'lead', 'attachment', 'comment', 'project', 'tag', 'post', 'note'];
  entities.forEach((e, i) => {
    for (const sub of ['list', 'count', 'describe', 'aggregate', ['mallory7', 'erin.k', 'dave42'][i % 3]!]) t.observe(`/v1/application/entity/${e}/${sub}`);
  });
  assert.equal(t.template('/v1/application/entity/account/count'), '/v1/application/entity/account/count');
  assert.equal(t.template('/v1/application/entity/lead/list'), '/v1/application/entity/lead/list');
});

test("a collection's verbs beside its values are judged apart from them and stay literal", () => {
  // jumpseller's `products/count.json`, `products/status` beside `products/heidi/images.json`.
  const t = new PathTemplater();
  for (const p of ['/v1/products/status', '/v1/products/count.json', '/v1/products/category', '/v1/products/search.json']) t.observe(p);
  for (const v of ['heidi', 'frank-dev', 'carol_w']) for (const sub of ['images.json', 'fields.json', 'variants.json']) t.observe(`/v1/products/${v}/${sub}`);
  assert.equal(templateShape(t.template('/v1/products/heidi/images.json')), '/v1/products/{}/images.json');
  assert.equal(t.template('/v1/products/count.json'), '/v1/products/count.json');
  assert.equal(t.template('/v1/products/status'), '/v1/products/status');
});

test('random mixed-case ids without digits are shaped like values, camelCase API words are not', () => {
  for (const id of ['kDtUasnWxv', 'gpFYomqELL', 'mQRoApSZor']) assert.ok(valueShape(id) > 0, id);
  for (const word of ['getTeamGameStatsByDate', 'getXmlRequest', 'getDeparturesByCRS', 'resourceGroups']) assert.ok(valueShape(word) <= 0, word);
});

test('three two-letter codes side by side are language codes, values of one parameter', () => {
  // oxforddictionaries' `search/{source_lang}`: nothing below them to compare.
  const t = new PathTemplater();
  for (const lang of ['en', 'es', 'lv']) t.observe(`/api/v1/search/${lang}`);
  assert.equal(templateShape(t.template('/api/v1/search/en')), '/api/v1/search/{}');
  const u = new PathTemplater();
  for (const word of ['me', 'id', 'go']) u.observe(`/api/v1/users/${word}`);
  assert.equal(u.template('/api/v1/users/me'), '/api/v1/users/me');
});

test('words already values of a parameter elsewhere in the service make their siblings under another parent values too', () => {
  // Branch names are values below `branches/` (a plural collection); the same names below the
  // singular `tarball/` say nothing by themselves, but they are the same values under another parent.
  const refs = ['feature-login', 'hotfix-cache', 'release-candidate'];
  const branches = refs.flatMap((r) => [`/repos/app/branches/${r}/protection`, `/repos/app/branches/${r}`]);
  const tarballs = refs.map((r) => `/repos/app/tarball/${r}`);
  for (const order of [[...branches, ...tarballs], [...tarballs, ...branches]]) {
    const t = new PathTemplater();
    for (const p of order) t.observe(p);
    assert.deepEqual(shapes(t, tarballs), Array(3).fill('/repos/app/tarball/{}'), order[0]);
    assert.equal(templateShape(t.template('/repos/app/branches/feature-login')), '/repos/app/branches/{}');
  }
  // Without the collection's evidence the same three leaves stay literal (resources listed one by one).
  const alone = new PathTemplater();
  for (const p of tarballs) alone.observe(p);
  assert.deepEqual(shapes(alone, tarballs), tarballs);
});

test("words beside a collection's ids are its verbs, discovered one by one, not values", () => {
  const t = new PathTemplater();
  const verbs = ['/tables/7/rows/batchcreate', '/tables/7/rows/batchupdate', '/tables/7/rows/batchdelete', '/tables/7/rows/list'];
  for (const p of ['/tables/7/rows/123456', '/tables/7/rows/234567', ...verbs]) t.observe(p);
  assert.deepEqual(shapes(t, verbs), verbs.map((p) => p.replace('/7/', '/{}/')));
  assert.equal(templateShape(t.template('/tables/7/rows/345678')), '/tables/{}/rows/{}');
});

test('siblings shaped beyond doubt like names vouch for their plainer peers', () => {
  const t = new PathTemplater();
  const leaves = ['/matches/action/octocat', '/matches/action/frank-dev', '/matches/action/erin.k', '/matches/action/alice'];
  for (const p of leaves) t.observe(p);
  assert.deepEqual(shapes(t, leaves), Array(4).fill('/matches/action/{}'));
  // Plain words alone stay literal: as likely resources listed one by one.
  const plain = new PathTemplater();
  const words = ['/matches/action/octocat', '/matches/action/frank-dev', '/matches/action/alice'];
  for (const p of words) plain.observe(p);
  assert.deepEqual(shapes(plain, words), words);
});

test("a collection's only child is a value when it is one elsewhere in the service", () => {
  for (const known of [true, false]) {
    const t = new PathTemplater();
    // Values by their structure (each leads to `repos`), not by Good–Turing's weaker evidence.
    if (known) for (const p of ['/people/heidi/repos', '/people/grace/repos', '/people/octocat/repos']) t.observe(p);
    t.observe('/teams/core/members/octocat');
    assert.equal(templateShape(t.template('/teams/core/members/octocat')), known ? '/teams/core/members/{}' : '/teams/core/members/octocat');
  }
});

test('siblings with nearly the same rich sub-API below each are values, however they look', () => {
  const t = new PathTemplater();
  const dbs = ['about-us', 'faq', 'release-notes'];
  const below = ['strains', 'schemes', 'traces', 'assemblies', 'straindata'];
  const paths = dbs.flatMap((db, i) => below.filter((_, j) => (i + j) % 5 !== 4 || i === 0).map((b) => `/api/v2.0/${db}/${b}`));
  for (const p of paths) t.observe(p);
  assert.deepEqual(new Set(shapes(t, paths).map((s) => s.split('/')[3])), new Set(['{}']));
});

test('two name-shaped leaves below a collection are values; below anything else, or plain words, they stay literal', () => {
  const cases: [string[], boolean][] = [
    [['/shipments/v4/BillingStack', '/shipments/v4/AuditTrail'], true],
    [['/config/BillingStack', '/config/AuditTrail'], false],
    [['/shipments/v4/billing', '/shipments/v4/audit'], false],
  ];
  for (const [paths, values] of cases) {
    const t = new PathTemplater();
    for (const p of paths) t.observe(p);
    assert.deepEqual(shapes(t, paths), values ? paths.map((p) => p.replace(/[^/]+$/, '{}')) : paths, paths[0]);
  }
});

test("a collection's known path words are not counted among the few values that make it a parameter", () => {
  const verbs = ['/projects/count', '/projects/allowed', '/projects/paged'];
  const t = new PathTemplater();
  for (const p of verbs) t.observe(p);
  assert.deepEqual(shapes(t, verbs), verbs);
  const names = ['/projects/heidi', '/projects/grace', '/projects/octocat'];
  const n = new PathTemplater();
  for (const p of names) n.observe(p);
  assert.deepEqual(shapes(n, names), Array(3).fill('/projects/{}'));
});

test("a trailing slash's empty segment is never a parameter, whenever it arrives", () => {
  for (const first of [true, false]) {
    const t = new PathTemplater();
    const values = ['/v2/providers/heidi', '/v2/providers/grace', '/v2/providers/octocat'];
    if (first) t.observe('/v2/providers/');
    for (const p of values) t.observe(p);
    if (!first) t.observe('/v2/providers/');
    assert.equal(t.template('/v2/providers/'), '/v2/providers/');
    assert.deepEqual(shapes(t, values), Array(3).fill('/v2/providers/{}'));
  }
});
