// `tapline diff --coverage`: the coverage report of the loaded spec and the traffic counted into it.

import { ratio, type CoverageCounter } from '../../../core/src/diff/coverage';
import type { LoadedSpec } from '../../../core/src/openapi/model';
import type { DiffCommand } from './args';
import { formatCoverage } from './format-coverage';

export function runCoverage(
  cmd: DiffCommand,
  spec: LoadedSpec,
  counter: CoverageCounter,
  display: (uri: string) => string,
  io: { stdout(text: string): void; stderr(text: string): void; version: string },
): number {
  const report = counter.report();
  if (report === undefined) {
    io.stderr(`tapline: ${cmd.spec} is not an OpenAPI 3.x or Swagger 2.0 document\n`);
    return 2;
  }
  io.stdout(formatCoverage(report, cmd.format, display(spec.rootUri), io.version, display));
  if (cmd.minCoverage === undefined) return 0;
  const share = ratio(report.total.exercised, report.total.operations);
  if (share >= cmd.minCoverage) return 0;
  io.stderr(`tapline: ${(share * 100).toFixed(1)} % of operations exercised, below --min-coverage ${(cmd.minCoverage * 100).toFixed(1)} %\n`);
  return 1;
}
