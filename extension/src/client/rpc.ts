// The extension's side of the typed protocol (core/src/messages/lsp.ts): requests and
// notification handlers take their types from the definitions, never from a hand-written string.
import type { Disposable } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { NotificationDef, RequestDef } from '../../../core/src/messages';

export function sendRequest<P, R>(client: LanguageClient, def: RequestDef<P, R>, params: P): Promise<R> {
  if (def.direction !== 'client→engine') throw new Error(`${def.method} is not sent by the extension`);
  return client.sendRequest<R>(def.method, params);
}

export function onNotification<P>(client: LanguageClient, def: NotificationDef<P>, handler: (params: P) => void): Disposable {
  if (def.direction !== 'engine→client') throw new Error(`${def.method} is not sent by the engine`);
  return client.onNotification(def.method, handler);
}
