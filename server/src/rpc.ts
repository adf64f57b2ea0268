// The engine's side of the typed protocol (core/src/messages/lsp.ts): each definition is
// registered or sent through these two helpers, so its params and result types come from the
// definition and never from a string with types re-attached by hand.
import type { Connection } from 'vscode-languageserver/node';
import type { NotificationDef, RequestDef } from '../../core/src/messages';

export function handle<P, R>(connection: Connection, def: RequestDef<P, R>, handler: (params: P) => R | Promise<R>): void {
  if (def.direction !== 'client→engine') throw new Error(`${def.method} is not answered by the engine`);
  connection.onRequest(def.method, (params: P) => handler(params));
}

export function notify<P>(connection: Connection, def: NotificationDef<P>, params: P): void {
  if (def.direction !== 'engine→client') throw new Error(`${def.method} is not sent by the engine`);
  void connection.sendNotification(def.method, params);
}
