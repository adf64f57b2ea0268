import * as vscode from 'vscode';

/**
 * A command's answer: `given` when a script or test passed it as an argument, else what the user
 * types in an input box that stays open when the focus moves away (undefined: cancelled).
 */
export async function askUnlessGiven(given: string | undefined, options: Omit<vscode.InputBoxOptions, 'ignoreFocusOut'>): Promise<string | undefined> {
  return given ?? (await vscode.window.showInputBox({ ...options, ignoreFocusOut: true }));
}
