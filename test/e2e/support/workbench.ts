// Drives the VS Code workbench in Chromium the way a person does: activity bar, command palette, tabs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { ARTIFACTS } from './paths';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
// Generous: the first workbench load on a busy 2-core machine compiles a lot of JavaScript.
const LOAD_TIMEOUT = 120_000;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.TAPLINE_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export class Workbench {
  private constructor(readonly page: Page) {}

  static async open(browser: Browser, url: string): Promise<Workbench> {
    // Clipboard access lets journeys paste (one edit) instead of typing (one edit per key).
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: LOAD_TIMEOUT });
    // The explorer shows the workspace once the folder has been resolved by the server.
    await page.locator('.explorer-folders-view').waitFor({ timeout: LOAD_TIMEOUT });
    return new Workbench(page);
  }

  /** Waits for an activity-bar entry contributed by an extension (it appears once extensions are read). */
  async activityBarItem(title: string): Promise<ReturnType<Page['locator']>> {
    const item = this.page.locator(`.activitybar .action-label[aria-label^="${title}"]`);
    await item.waitFor({ timeout: LOAD_TIMEOUT });
    return item;
  }

  /** Shows a view container; a click on an already visible one would hide it, so that one is left as it is. */
  async openContainer(title: string): Promise<void> {
    const heading = this.page.locator(`.sidebar .composite.title h2[title^="${title}" i], .sidebar .title-label h2:has-text("${title}")`).first();
    const item = await this.activityBarItem(title);
    if (await heading.isVisible()) return;
    await item.click();
    await heading.waitFor();
  }

  async runCommand(title: string): Promise<void> {
    // A webview with the focus (the Explorer, a walkthrough's page) may keep F1 to itself: then
    // the title bar's command center opens the same quick input, and `>` below makes it the palette.
    // A webview that becomes active (a tab closed, the Explorer behind it) can take the focus a moment
    // after the palette opened, and the palette hides when it loses the focus: then it is opened
    // again, seen hidden, never more than three times.
    const widget = this.page.locator('.quick-input-widget');
    for (let attempt = 1; ; attempt++) {
      const webviewFocused = await this.page.evaluate(() => document.activeElement instanceof HTMLIFrameElement);
      if (webviewFocused) await this.page.locator('.command-center-center').click();
      else await this.page.keyboard.press('F1');
      const input = this.page.locator('.quick-input-widget input.input');
      await input.waitFor();
      const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      try {
        await input.fill(`>${title}`, { timeout: 5_000 });
        await row.click({ timeout: 10_000 });
        break;
      } catch (error) {
        if (attempt >= 3 || (await widget.isVisible())) throw error;
      }
    }
    // The palette is gone: hidden, or already replaced by the command's own prompt (the widget is
    // reused, and a prompt that opens at once may leave no moment in which it is hidden).
    await this.page.waitForFunction(() => {
      const widget = document.querySelector<HTMLElement>('.quick-input-widget');
      const field = widget?.querySelector<HTMLInputElement>('input.input');
      return !widget || widget.style.display === 'none' || !widget.offsetParent || !field?.value.startsWith('>');
    }).catch((error: unknown) => {
      throw new Error(`the command palette did not close after choosing "${title}"`, { cause: error });
    });
  }

  /** Types into the open quick input (an input box such as a URL or token prompt) and accepts it. */
  async answerInput(title: string, value: string): Promise<void> {
    // The widget is reused between prompts: wait for this prompt's title before typing.
    await this.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
    const input = this.page.locator('.quick-input-widget input.input');
    await input.fill(value);
    await input.press('Enter');
  }

  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor();
    await input.fill(name);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
    await input.press('Enter');
    await this.editorTab(name).waitFor();
    await this.page.locator('.monaco-editor .view-lines').first().waitFor();
  }

  async openProblems(): Promise<void> {
    await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    await this.page.locator('.markers-panel').waitFor();
  }

  /**
   * Opens the quick-fix menu at the editor's cursor and picks the action with this title.
   * `editorFocused`: the editor has the keyboard already (e.g. right after typing), so ask at once.
   */
  async quickFix(title: string, { editorFocused = false } = {}): Promise<void> {
    if (!editorFocused) await this.runCommand('View: Focus Active Editor Group');
    await this.page.locator('.monaco-editor.focused').waitFor();
    await this.page.keyboard.press('Control+.');
    const rows = this.page.locator('.action-widget .monaco-list-row.action');
    await rows.filter({ hasText: title }).first().waitFor();
    // The menu is keyboard-driven (its rows ignore synthetic clicks while it animates): arrow to the row.
    const titles = await rows.allTextContents();
    const index = titles.findIndex((text) => text.includes(title));
    for (let i = 0; i < index; i++) await this.page.keyboard.press('ArrowDown');
    await this.page.keyboard.press('Enter');
    await this.page.locator('.action-widget').waitFor({ state: 'hidden' });
  }

  /** Saves the active editor (harmless when VS Code saved it already, e.g. after a refactoring). */
  async save(): Promise<void> {
    await this.page.keyboard.press('Control+S');
    await this.page.locator('.tabs-container .tab.dirty').first().waitFor({ state: 'detached' });
  }

  /** Pastes `text` at the cursor of the focused editor: one edit, where typing would make one per key (and add auto-closed brackets). */
  async paste(text: string): Promise<void> {
    await this.page.evaluate((value) => navigator.clipboard.writeText(value), text);
    await this.page.locator('.monaco-editor.focused').waitFor();
    await this.page.keyboard.press('Control+V');
  }

  /** Replaces the active editor's whole text. */
  async replaceEditorText(text: string): Promise<void> {
    await this.page.locator('.monaco-editor.focused').waitFor();
    await this.page.keyboard.press('Control+A');
    await this.paste(text);
  }

  editorTab(title: string): ReturnType<Page['locator']> {
    return this.page.locator('.tabs-container .tab', { hasText: title });
  }

  /** The content frame of the webview whose tab is active (VS Code nests it in two iframes). */
  activeWebview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  /** Runs a journey step; on failure saves `failed-<name>.png` and says where, then rethrows. */
  async step<T>(name: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const path = await this.screenshot(`failed-${name}`).catch(() => 'none');
      throw new Error(`${error instanceof Error ? error.message : String(error)}\nscreenshot at failure: ${path}`, { cause: error });
    }
  }

  async screenshot(name: string): Promise<string> {
    const dir = join(ARTIFACTS, 'screenshots');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}
