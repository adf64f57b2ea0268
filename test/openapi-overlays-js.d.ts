// openapi-overlays-js ships JavaScript without types; the one function the Overlay test calls.
declare module 'openapi-overlays-js/src/overlay.js' {
  export function applyOverlay(definition: unknown, overlay: unknown): unknown;
}
