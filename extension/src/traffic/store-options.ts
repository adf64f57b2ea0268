import * as vscode from 'vscode';
import type { TrafficStoreOptions } from '../../../core/src/inventory/traffic-store';

/** The inventory's bounds from the `tapline.inventory.*` settings (declared in package.json). */
export function storeOptionsFromSettings(): Partial<TrafficStoreOptions> {
  const config = vscode.workspace.getConfiguration('tapline.inventory');
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const value = config.get<number>(key, fallback);
    return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.floor(value))) : fallback;
  };
  const samples = int('maxSamplesPerEndpoint', 3, 1, 50);
  return {
    maxServices: int('maxServices', 20, 1, 500),
    maxEndpointsPerService: int('maxEndpointsPerService', 250, 10, 10_000),
    maxRecentSamples: samples,
    maxStatusSamples: samples,
    maxBodyBytes: int('maxSampleBodyBytes', 2048, 0, 1_048_576),
  };
}
