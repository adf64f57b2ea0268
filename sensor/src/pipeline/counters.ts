// The sensor-wide counters reported in `stats` messages (docs/protocol.md).
import type { SensorCounters } from '../../../core/src/protocol/messages';

export type PipelineCounters = Omit<SensorCounters, 'queueDropped'>;

export function newCounters(): PipelineCounters {
  return {
    transactions: 0,
    capturedEvents: 0,
    capturedBytes: 0,
    droppedEvents: 0,
    parseErrors: 0,
    redactions: 0,
    truncated: 0,
    deduplicated: 0,
    activeConnections: 0,
    sampledOut: 0,
    desyncs: 0,
  };
}
