import * as vscode from 'vscode';
import type { EngineSnapshot } from '../../core/src/messages';
import type { SnapshotFeed } from './client/snapshot-feed';

/** `$(pulse) 1/2 sensors · 120/s · 3 dropped`, from the engine; click opens the Explorer. */
export function registerStatusBar(feed: SnapshotFeed, subscriptions: vscode.Disposable[]): void {
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
  // The rate decays without traffic, and a sensor that goes quiet changes state: ask every few seconds too.
  const timer = setInterval(() => feed.queue({ reset: false, inventory: false, findings: false, sensors: true, transactions: true }), 3000);
  subscriptions.push(
    item,
    feed.onDidUpdate(({ event, snapshot }) => {
      if (event.reset || event.sensors || event.transactions) render(snapshot);
    }),
    { dispose: () => clearInterval(timer) },
  );
}
