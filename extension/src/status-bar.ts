import * as vscode from 'vscode';
import { SNAPSHOT, type EngineSnapshot } from '../../core/src/messages';
import type { EngineClient } from './client/language-client';

/** `$(pulse) 1/2 sensors · 120/s · 3 dropped`, from the engine; click opens the Explorer. */
export function registerStatusBar(engine: EngineClient, subscriptions: vscode.Disposable[]): void {
  const item = vscode.window.createStatusBarItem('tapline.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Tapline';
  item.command = 'tapline.openExplorer';
  const render = (snapshot: EngineSnapshot | undefined): void => {
    const all = snapshot?.sensors ?? [];
    if (all.length === 0) {
      item.hide();
      return;
    }
    const live = all.filter((s) => s.state === 'live').length;
    const dropped = all.reduce((sum, s) => sum + (s.counters?.droppedEvents ?? 0) + (s.counters?.queueDropped ?? 0), 0);
    const perSecond = snapshot?.ratePerSecond ?? 0;
    item.text = `$(pulse) ${live}/${all.length} sensor${all.length === 1 ? '' : 's'} · ${perSecond.toFixed(perSecond < 10 ? 1 : 0)}/s${dropped ? ` · ${dropped.toLocaleString('en-US')} dropped` : ''}`;
    item.tooltip = all.map((s) => `${s.name ?? s.url}: ${s.detail}`).join('\n');
    item.backgroundColor = live < all.length ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  let asking = false;
  const refresh = async (): Promise<void> => {
    if (asking) return;
    asking = true;
    try {
      const snapshot = await engine.requestIfRunning(SNAPSHOT, {});
      if (snapshot) engine.observeEpoch(snapshot.epoch);
      render(snapshot);
    } finally {
      asking = false;
    }
  };
  // The rate decays without traffic, and a sensor that goes quiet changes state: ask every few seconds too.
  const timer = setInterval(() => void refresh().catch(() => undefined), 3000);
  subscriptions.push(
    item,
    engine.onDidChange((e) => {
      if (e.reset || e.sensors || e.transactions) void refresh().catch(() => undefined);
    }),
    { dispose: () => clearInterval(timer) },
  );
}
