// The Get Started walkthrough in VS Code's Welcome editor, reached as a person does: from the
// Welcome page's list, or from the palette's "Welcome: Open Walkthrough…".
import type { Workbench } from './workbench';

export const WALKTHROUGH_ID = 'tapline.tapline#tapline.getStarted';
export const WALKTHROUGH_TITLE = 'Get Started with Tapline';

export function walkthroughStep(workbench: Workbench, step: string): ReturnType<Workbench['page']['locator']> {
  return workbench.page.locator(`.gettingStartedContainer .getting-started-step[data-step-id="${WALKTHROUGH_ID}#${step}"]`);
}

/** "Help: Welcome", back to the page's list when VS Code opened its own first-run walkthrough, then Tapline's entry. */
export async function openWalkthroughFromWelcome(workbench: Workbench): Promise<void> {
  await workbench.runCommand('Help: Welcome');
  const container = workbench.page.locator('.gettingStartedContainer');
  await container.waitFor();
  const entry = container.locator(`.getting-started-category[x-dispatch="selectCategory:${WALKTHROUGH_ID}"]`);
  const back = container.locator('.prev-button', { hasText: 'Welcome' });
  // Either the list or a walkthrough is showing: wait for one of the two, then go to the list.
  await entry.or(back).first().waitFor();
  if (await back.isVisible()) await back.click();
  await entry.click();
  await walkthroughStep(workbench, 'sampleTraffic').waitFor();
}

export async function openWalkthroughFromPalette(workbench: Workbench): Promise<void> {
  const page = workbench.page;
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.fill('>Welcome: Open Walkthrough');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Walkthrough' }).first().click();
  // The same widget now lists the walkthroughs.
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: WALKTHROUGH_TITLE }).first();
  await row.waitFor();
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await walkthroughStep(workbench, 'sampleTraffic').waitFor();
}

/**
 * Closes the walkthrough's editor by its tab: its page (a webview) may hold the keyboard, where
 * the palette's F1 would not reach the workbench.
 */
export async function closeWalkthrough(workbench: Workbench): Promise<void> {
  await workbench.editorTab('Walkthrough').locator('.codicon-close').click();
  await walkthroughStep(workbench, 'sampleTraffic').waitFor({ state: 'detached' });
}

/** Expands a step (a click on a collapsed step selects it) and presses one of its buttons. */
export async function pressStepButton(workbench: Workbench, step: string, button: string): Promise<void> {
  const row = walkthroughStep(workbench, step);
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.step-title').click();
  const link = row.locator('.button-container .monaco-button', { hasText: button });
  await link.waitFor();
  await link.click();
}
