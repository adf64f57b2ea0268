// Waits on the file system, not on time: a file's content is rechecked on every change event.
import { readFileSync, watch } from 'node:fs';
import { dirname } from 'node:path';

/** Resolves with the file's text once `check` holds for it; rejects after `deadlineMs`, saying what it waited for. */
export function fileContent(path: string, check: (text: string) => boolean, what: string, deadlineMs = 30_000): Promise<string> {
  const read = (): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  const now = read();
  if (check(now)) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    // The folder, not the file: editors may save by replacing the file.
    const watcher = watch(dirname(path), () => {
      const text = read();
      if (!check(text)) return;
      clearTimeout(timer);
      watcher.close();
      resolve(text);
    });
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`waited ${deadlineMs} ms for ${path} to hold ${what}; it holds:\n${read()}`));
    }, deadlineMs);
  });
}
