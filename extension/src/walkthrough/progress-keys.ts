// The context keys the walkthrough's completionEvents (`onContext:…` in package.json) wait for;
// walkthrough-progress.ts sets them on the real events.
export const PROGRESS_KEYS = {
  traffic: 'tapline.walkthrough.trafficObserved',
  sensor: 'tapline.walkthrough.sensorConnected',
  diagnostic: 'tapline.walkthrough.diagnosticShown',
  cluster: 'tapline.walkthrough.clusterConnected',
} as const;
export type ProgressStep = keyof typeof PROGRESS_KEYS;
