// Shared styles, adopted as constructable stylesheets (the CSP allows no inline <style>).
// Colours come only from VS Code's theme variables so the panel follows the user's theme.
import { css } from 'lit';

export const baseStyles = css`
  :host {
    color: var(--vscode-foreground);
    font-family: var(--vscode-font-family);
    font-size: var(--vscode-font-size);
    box-sizing: border-box;
  }
  *, *::before, *::after { box-sizing: inherit; }
  .muted { color: var(--vscode-descriptionForeground); }
  /* Monospace in the UI's size (the editor's size, often 14px, looks oversized next to 13px UI text). */
  .mono { font-family: var(--vscode-editor-font-family); font-size: 0.95em; }
  input, select {
    font: inherit;
    color: var(--vscode-input-foreground);
    background: var(--vscode-input-background);
    border: 1px solid var(--vscode-input-border, var(--vscode-input-background));
    border-radius: 2px;
    padding: 3px 6px;
    min-height: 26px;
  }
  select {
    color: var(--vscode-dropdown-foreground);
    background: var(--vscode-dropdown-background);
    border-color: var(--vscode-dropdown-border);
  }
  input::placeholder { color: var(--vscode-input-placeholderForeground); }
  input:focus, select:focus, button:focus-visible, [tabindex]:focus-visible {
    outline: 1px solid var(--vscode-focusBorder);
    outline-offset: -1px;
  }
  button {
    font: inherit;
    color: var(--vscode-button-foreground);
    background: var(--vscode-button-background);
    border: 1px solid var(--vscode-button-border, transparent);
    border-radius: 2px;
    padding: 3px 10px;
    min-height: 26px;
    cursor: pointer;
  }
  button:hover { background: var(--vscode-button-hoverBackground); }
  button:disabled { opacity: 0.5; cursor: default; }
  button.secondary {
    color: var(--vscode-button-secondaryForeground);
    background: var(--vscode-button-secondaryBackground);
  }
  button.secondary:hover { background: var(--vscode-button-secondaryHoverBackground); }
  button.link {
    color: var(--vscode-textLink-foreground);
    background: none;
    border: none;
    padding: 0 2px;
    min-height: 0;
  }
  button.link:hover { text-decoration: underline; background: none; }
  .badge {
    display: inline-block;
    padding: 0 6px;
    border-radius: 9px;
    line-height: 16px;
    font-size: 0.85em;
    white-space: nowrap;
    color: var(--vscode-badge-foreground);
    background: var(--vscode-badge-background);
  }
  .badge.documented { color: var(--vscode-testing-iconPassed); background: none; border: 1px solid var(--vscode-testing-iconPassed); }
  .badge.undocumented { color: var(--vscode-editorWarning-foreground); background: none; border: 1px solid var(--vscode-editorWarning-foreground); }
  .badge.mismatching { color: var(--vscode-errorForeground); background: none; border: 1px solid var(--vscode-errorForeground); }
  .badge.unused { color: var(--vscode-descriptionForeground); background: none; border: 1px solid var(--vscode-widget-border, var(--vscode-descriptionForeground)); }
  /* No verdict yet: a quiet dash, not a pill. */
  .badge.unknown { color: var(--vscode-descriptionForeground); background: none; }
  .badge.grpc { color: var(--vscode-charts-purple, var(--vscode-foreground)); background: none; border: 1px solid var(--vscode-charts-purple, var(--vscode-widget-border)); }
  .badge.grpc.failing { color: var(--vscode-errorForeground); border-color: var(--vscode-errorForeground); }
  .method { font-weight: 600; font-family: var(--vscode-editor-font-family); }
  .method.GET { color: var(--vscode-charts-blue); }
  .method.POST { color: var(--vscode-charts-green); }
  .method.grpc { color: var(--vscode-charts-purple, var(--vscode-foreground)); }
  .method.PUT, .method.PATCH { color: var(--vscode-charts-orange); }
  .method.DELETE { color: var(--vscode-charts-red); }
  .status-2xx { color: var(--vscode-testing-iconPassed); }
  .status-3xx { color: var(--vscode-charts-blue); }
  .status-4xx { color: var(--vscode-editorWarning-foreground); }
  .status-5xx, .status-none { color: var(--vscode-errorForeground); }
  mark.redacted {
    color: var(--vscode-editorWarning-foreground);
    background: var(--vscode-editor-findMatchHighlightBackground, transparent);
    border: 1px dashed var(--vscode-editorWarning-foreground);
    border-radius: 2px;
    padding: 0 2px;
    font-style: italic;
  }
  .empty { color: var(--vscode-descriptionForeground); padding: 16px 0; }
`;
