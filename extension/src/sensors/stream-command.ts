import * as vscode from 'vscode';
import { SUBSCRIBE_STREAM, UNSUBSCRIBE_STREAMS } from '../../../core/src/messages';
import type { EngineClient } from '../client/language-client';
import { askUnlessGiven } from './ask';

export interface StreamArguments {
  url?: string;
  filter?: string;
  deliver?: 'all' | 'new';
}

const FILTER = /^tapline(\.([A-Za-z0-9_-]+|\*))*(\.>)?$/;

/**
 * "Tapline: Subscribe to Shared Stream…": a team's sensors publish to NATS JetStream
 * (`tapline-sensor --publish`); the engine subscribes with a subject filter instead of one
 * port-forward per node. Arguments skip the questions (scripts, tests).
 */
export async function subscribeToStream(engine: EngineClient, args: StreamArguments = {}): Promise<boolean> {
  const url = await askUnlessGiven(args.url, {
    title: 'Subscribe to Shared Stream (1/2)',
    prompt: 'The NATS server the sensors publish to',
    value: 'nats://127.0.0.1:4222',
    validateInput: (v) => (/^(nats|tls):\/\/\S+$/.test(v.trim()) ? undefined : 'A nats:// URL, e.g. nats://nats.tapline:4222'),
  });
  if (!url) return false;
  const filter = await askUnlessGiven(args.filter, {
    title: 'Subscribe to Shared Stream (2/2)',
    prompt: 'Subject filter: tapline.<cluster>.<namespace>.<service>, with * for any token and a final > for the rest',
    value: 'tapline.>',
    validateInput: (v) => (FILTER.test(v.trim()) ? undefined : 'e.g. tapline.dev.shop.> or tapline.*.*.pets'),
  });
  if (!filter) return false;
  const outcome = await engine.request(SUBSCRIBE_STREAM, { url: url.trim(), filter: filter.trim(), ...(args.deliver ? { deliver: args.deliver } : {}) });
  if (outcome.ok) void vscode.window.showInformationMessage(`Tapline: ${outcome.status.detail}.`);
  else void vscode.window.showErrorMessage(`Tapline: ${outcome.reason}`);
  return outcome.ok;
}

export async function unsubscribeStreams(engine: EngineClient): Promise<void> {
  await engine.requestIfRunning(UNSUBSCRIBE_STREAMS, {});
}
