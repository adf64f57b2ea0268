import * as vscode from 'vscode';
import type { RateMeter } from './rate-meter';
import type { SensorManager } from './sensors/sensor-manager';

/** `$(pulse) 2 sensors · 120/s · 3 dropped`; click opens the Explorer. Refreshed once a second at most. */
export function registerStatusBar(sensors: SensorManager, rate: RateMeter, subscriptions: vscode.Disposable[]): void {
  const item = vscode.window.createStatusBarItem('tapline.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Tapline';
  item.command = 'tapline.openExplorer';
  const refresh = (): void => {
    const all = sensors.sensors;
    if (all.length === 0) {
      item.hide();
      return;
    }
    const live = all.filter((s) => s.client.state.kind === 'live').length;
    const dropped = all.reduce((sum, s) => sum + (s.counters?.droppedEvents ?? 0) + (s.counters?.queueDropped ?? 0), 0);
    const perSecond = rate.perSecond();
    item.text = `$(pulse) ${live}/${all.length} sensor${all.length === 1 ? '' : 's'} · ${perSecond.toFixed(perSecond < 10 ? 1 : 0)}/s${dropped ? ` · ${dropped.toLocaleString('en-US')} dropped` : ''}`;
    item.tooltip = all.map((s) => `${s.setting.name ?? s.setting.url}: ${s.client.state.kind}`).join('\n');
    item.backgroundColor = live < all.length ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  const timer = setInterval(refresh, 1000);
  subscriptions.push(item, sensors.onDidChange(refresh), { dispose: () => clearInterval(timer) });
  refresh();
}
