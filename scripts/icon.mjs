// Renders the marketplace icon (128×128 PNG, which vsce requires: it refuses SVG icons) from the
// activity-bar mark media/tapline.svg, so the two never drift: the mark in white on a rounded,
// coloured square. Rasterized with resvg (@resvg/resvg-js), no browser needed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ICON_SIZE = 128;
export const ICON_PATH = join(root, 'dist', 'icon.png');

/** The icon's SVG: the mark (its own viewBox kept) placed inside a 128×128 tile. */
export function iconSvg(mark) {
  if (!/^<svg[\s>]/.test(mark.trim())) throw new Error('media/tapline.svg does not start with <svg');
  // The mark draws with currentColor (VS Code themes it); on the tile it is white, and it is resized by its own viewBox.
  const placed = mark
    .trim()
    .replace(/currentColor/g, '#ffffff')
    .replace(/^<svg\b([^>]*?)\swidth="[^"]*"/, '<svg$1')
    .replace(/^<svg\b([^>]*?)\sheight="[^"]*"/, '<svg$1')
    .replace(/^<svg\b/, '<svg x="14" y="14" width="100" height="100"');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${ICON_SIZE}" height="${ICON_SIZE}" viewBox="0 0 ${ICON_SIZE} ${ICON_SIZE}">
<defs><linearGradient id="tile" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#1f7ab8"/><stop offset="1" stop-color="#0d2f4a"/></linearGradient></defs>
<rect width="${ICON_SIZE}" height="${ICON_SIZE}" rx="26" fill="url(#tile)"/>
${placed}
</svg>`;
}

export function renderIcon() {
  const svg = iconSvg(readFileSync(join(root, 'media', 'tapline.svg'), 'utf8'));
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: ICON_SIZE } }).render().asPng();
  mkdirSync(dirname(ICON_PATH), { recursive: true });
  writeFileSync(ICON_PATH, png);
  return ICON_PATH;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(`icon: ${renderIcon()}`);
