// One import for the shared messages: `import { FINDINGS_NOTIFICATION } from '../core/src/messages'`.
export * from './desync-summary';
export * from './finding';
export * from './grpc-detail';
export * from './lsp';
export * from './webview';
