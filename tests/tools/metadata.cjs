// Reads HTML files and prints, as one JSON object keyed by path, what Wikimedia's html-metadata
// (the scraper behind Citoid) finds in each: JSON-LD, Highwire Press citation_*, OpenGraph, ...
const fs = require("fs");
const { loadFromString } = require("html-metadata");

(async () => {
  const found = {};
  for (const path of process.argv.slice(2)) {
    found[path] = await loadFromString(fs.readFileSync(path, "utf8"));
  }
  process.stdout.write(JSON.stringify(found));
})().catch((error) => {
  process.stderr.write(String(error && error.stack || error));
  process.exit(1);
});
