/**
 * Ends every Jest run with one line, `N passed, N failed` (`, N skipped` when any
 * were skipped), the form CI reads. Printed at process exit so that it comes after
 * Jest's own closing lines.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
    // Synchronous: with forceExit, Jest exits right after, and a piped stdout drops async writes.
    process.once('exit', () => require('node:fs').writeSync(1, `\n${line}\n`));
  }
}
module.exports = SummaryReporter;
