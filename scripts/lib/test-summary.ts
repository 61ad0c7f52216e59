// Prints the one closing line CI reads: "N passed, N failed, N skipped".
// Exits non-zero when the report is missing or counts a failure, so a crashed run cannot pass.
import { readFileSync } from 'node:fs';

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
}

const file = process.argv[2] ?? 'artifacts/vitest.json';
let report: VitestReport;
try {
  report = JSON.parse(readFileSync(file, 'utf8')) as VitestReport;
} catch (err) {
  console.log(`0 passed, 1 failed`);
  console.error(`test summary: cannot read ${file}: ${(err as Error).message}`);
  process.exit(1);
}
const failed = report.numFailedTests + report.numFailedTestSuites;
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${report.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || report.numPassedTests === 0 ? 1 : 0);
