// Lists every skipped test with its title (which carries the reason, see requires.ts) after the
// run, so a skip is never silent.
class SkipReporter {
  onRunComplete(_contexts, results) {
    const skipped = [];
    for (const file of results.testResults) {
      for (const t of file.testResults) if (t.status === "pending") skipped.push(t.fullName);
    }
    if (skipped.length === 0) return;
    process.stderr.write(`\n${skipped.length} skipped:\n${skipped.map((s) => `  - ${s}`).join("\n")}\n`);
  }
}
module.exports = SkipReporter;
