// The API Explorer panel. Everything shown here is built with DOM text APIs (textContent,
// createElement): traffic is attacker-controlled and never becomes markup.

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

function render(root: HTMLElement): void {
  const heading = document.createElement('h1');
  heading.textContent = 'API Explorer';
  const empty = document.createElement('p');
  empty.className = 'empty';
  empty.textContent = 'No traffic yet. Connect to a sensor or import a HAR file to see your API endpoints here.';
  root.replaceChildren(heading, empty);
}

const app = document.getElementById('app');
if (app) render(app);
vscode.postMessage({ type: 'ready' });
