// The API Explorer panel's entry point. Everything shown is rendered with Lit text bindings or DOM
// text APIs (textContent, createElementNS): traffic is attacker-controlled and never becomes markup.
import { css } from 'lit';
import { ExplorerApp } from './explorer-app';
import { vscodeHost } from './vscode-api';

// The page shell has no stylesheet (the CSP allows none inline): size it with a constructable one.
const pageStyles = css`
  html, body { height: 100%; }
  body { margin: 0; overflow: hidden; background: var(--vscode-editor-background); }
  #app { height: 100%; }
`;

const sheet = pageStyles.styleSheet;
if (sheet) document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

const root = document.getElementById('app') ?? document.body;
const app = new ExplorerApp();
root.replaceChildren(app);
app.connect(vscodeHost());
