// Prints the one closing line CI reads: "N passed, N failed, N skipped".
// Exits non-zero when the report is missing or counts a failure, so a crashed run cannot pass.
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: { name: string; status: string; assertionResults: { status: string }[] }[];
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
// A file that failed without a failed test (an import error, a crashed hook) counts once, so a
// broken file cannot hide; a file whose tests failed is already counted by its tests.
const brokenFiles = report.testResults.filter(
  (file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
);
for (const file of brokenFiles) console.error(`test summary: ${file.name} failed outside its tests`);
// Which files skipped tests (each skipping file prints its reason in the run's output): a run that
// skipped a whole suite, e.g. the cluster's when not root, says so above the closing line.
for (const file of report.testResults) {
  const skippedHere = file.assertionResults.filter(
    (test) => test.status === 'pending' || test.status === 'skipped' || test.status === 'todo',
  ).length;
  if (skippedHere > 0)
    console.error(`test summary: ${skippedHere} skipped in ${path.relative(process.cwd(), file.name)}`);
}
const failed = report.numFailedTests + brokenFiles.length;
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${report.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || report.numPassedTests === 0 ? 1 : 0);
