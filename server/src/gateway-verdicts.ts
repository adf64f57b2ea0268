// The Explorer's "does the current gateway policy allow this endpoint": one decider per workspace
// spec (core's GatewayDecider, the same checks the generated nginx runs), rebuilt when a spec or a
// policy file changes, applied to each endpoint's first sample as it was sent (so a request sent
// without the base path shows as blocked, as nginx would answer it).
import { GatewayDecider, resolvePolicy } from '../../core/src/gateway/decide';
import { emptyPolicy, parsePolicyText, POLICY_FILE_NAME } from '../../core/src/gateway/policy';
import { compileRoutes } from '../../core/src/gateway/routes';
import type { EndpointFindings, GatewayVerdict } from '../../core/src/messages';
import type { FixContext } from './fixes';
import { currentText, policyUriFor } from './gateway-actions';

export function isPolicyUri(uri: string): boolean {
  return uri.endsWith(`/${POLICY_FILE_NAME}`);
}

export class GatewayVerdicts {
  private deciders: { decider: GatewayDecider; policyFile: boolean }[] = [];
  private generation = 0;

  constructor(
    private readonly context: FixContext,
    private readonly changed: () => void,
    private readonly log: (message: string) => void,
  ) {}

  /** Re-reads every spec's policy; an invalid policy is logged and judged as no policy. */
  async refresh(): Promise<void> {
    const mine = ++this.generation;
    const next: { decider: GatewayDecider; policyFile: boolean }[] = [];
    for (const spec of this.context.specs.all) {
      if (!spec.model || spec.model.operations.length === 0 || !spec.rootUri.startsWith('file:')) continue;
      const policyUri = policyUriFor(spec.rootUri, this.context.workspaceFolders?.() ?? []);
      const { text } = await currentText(this.context, policyUri);
      const parsed = text === undefined ? undefined : parsePolicyText(text);
      if (parsed && !parsed.ok) this.log(`gateway policy ${policyUri} is invalid (${parsed.problems.length} problem(s)); the Explorer judges by documented operations only`);
      const policy = parsed?.ok ? parsed.policy : emptyPolicy();
      const routes = compileRoutes(spec.model);
      next.push({ decider: new GatewayDecider(routes, resolvePolicy(routes, policy, policy.mode ?? 'enforce')), policyFile: parsed?.ok === true });
    }
    if (mine !== this.generation) return;
    this.deciders = next;
    this.changed();
  }

  /** Endpoint states with the verdict; `sampleTarget` gives an observed endpoint's request target. */
  annotate(endpoints: readonly EndpointFindings[], sampleTarget: (endpointId: string) => string | undefined): EndpointFindings[] {
    if (this.deciders.length === 0) return [...endpoints];
    return endpoints.map((e) => {
      const verdict = this.verdict(e, e.endpointId !== undefined ? sampleTarget(e.endpointId) : undefined);
      return verdict ? { ...e, gateway: verdict } : e;
    });
  }

  private verdict(e: EndpointFindings, target: string | undefined): GatewayVerdict | undefined {
    let first: GatewayVerdict | undefined;
    for (const { decider, policyFile } of this.deciders) {
      // An operation never observed is asked for by its documented route.
      const path = target ?? decider.routes.find((r) => r.methods.get(e.method) === `${e.method} ${e.path}`)?.fullPath.replace(/\{[^{}]+\}/g, 'x');
      if (path === undefined) continue;
      const d = decider.decide({ method: e.method, target: path, clientIp: '', headers: new Map() });
      const clientBlocks = d.operation ? decider.policy.blocks.filter((b) => b.operations === '*' || b.operations.has(d.operation ?? '')).length : 0;
      const v: GatewayVerdict = { decision: d.decision, ...(d.reason ? { reason: d.reason } : {}), clientBlocks, policyFile };
      if (v.decision === 'allow') return v;
      first ??= v;
    }
    return first;
  }
}
