// The one handle on VS Code's webview API. `acquireVsCodeApi` may be called once per page.
import type { Outbound } from './messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface Host {
  post(message: Outbound): void;
  getState(): unknown;
  setState(state: unknown): void;
}

let host: Host | undefined;

export function vscodeHost(): Host {
  if (!host) {
    const api = acquireVsCodeApi();
    host = {
      post: (message) => api.postMessage(message),
      getState: () => api.getState(),
      setState: (state) => api.setState(state),
    };
  }
  return host;
}
