// The shared stream's subjects: tapline.<cluster>.<namespace>.<service>, one token each. A NATS
// token cannot hold '.', '*', '>' or whitespace, so every other character than letters, digits,
// '-' and '_' becomes '_' (Kubernetes names hold only letters, digits, '-' and '.'). Outside
// Kubernetes the namespace token is '_'.
import type { Transaction } from './transaction';

export const SUBJECT_ROOT = 'tapline';
export const STREAM_NAME = 'TAPLINE';

export function subjectToken(value: string): string {
  const token = value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 128);
  return token === '' ? '_' : token;
}

/** The workload's name when the sensor knew the pod (tx.service is then `<workload>.<namespace>`). */
export function transactionSubject(cluster: string, tx: Transaction): string {
  const namespace = tx.k8s?.namespace ?? '_';
  const service = tx.k8s ? (tx.k8s.workload?.name ?? tx.k8s.pod) : tx.service;
  return [SUBJECT_ROOT, subjectToken(cluster), subjectToken(namespace), subjectToken(service)].join('.');
}

/**
 * A subscription filter from its parts; an omitted part matches any token. Hand-written filters
 * (`tapline.dev.shop.>`) are accepted as they are when they start with the root.
 */
export function subjectFilter(parts: { cluster?: string; namespace?: string; service?: string } | string): string {
  if (typeof parts === 'string') {
    if (!/^tapline(\.([A-Za-z0-9_-]+|\*))*(\.>)?$/.test(parts)) throw new Error(`not a Tapline subject filter: ${parts} (expected tapline.<cluster>.<namespace>.<service>, tokens or * or a final >)`);
    return parts;
  }
  const token = (v: string | undefined): string => (v === undefined || v === '*' ? '*' : subjectToken(v));
  return [SUBJECT_ROOT, token(parts.cluster), token(parts.namespace), token(parts.service)].join('.');
}
