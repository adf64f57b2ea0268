import * as vscode from 'vscode';
import type { EndpointFindings, EndpointSpecState, FindingsParams } from '../../../core/src/messages';

/** The latest `tapline/findings` from the server, indexed for the tree and the Explorer. */
export class FindingsState implements vscode.Disposable {
  private latest: FindingsParams = { sequence: 0, documents: [], endpoints: [] };
  private byEndpoint = new Map<string, EndpointFindings>();
  private readonly changed = new vscode.EventEmitter<FindingsParams>();
  readonly onDidChange = this.changed.event;

  get current(): FindingsParams {
    return this.latest;
  }

  update(params: FindingsParams): void {
    if (params.sequence < this.latest.sequence) return; // a late, older notification
    this.latest = params;
    this.byEndpoint = new Map(params.endpoints.filter((e) => e.endpointId).map((e) => [e.endpointId!, e]));
    this.changed.fire(params);
  }

  forEndpoint(endpointId: string): EndpointFindings | undefined {
    return this.byEndpoint.get(endpointId);
  }

  stateOf(endpointId: string): EndpointSpecState | undefined {
    return this.byEndpoint.get(endpointId)?.state;
  }

  /** Documented operations that saw no traffic, for the tree's "unused" entries. */
  unused(): EndpointFindings[] {
    return this.latest.endpoints.filter((e) => e.state === 'unused');
  }

  dispose(): void {
    this.changed.dispose();
  }
}
