// Run Lighthouse on many pages with one Chromium and one Node process (nea_edition.lighthouse).
//
//   node lighthouse-pages.mjs SPEC.json
//
// SPEC: {"urls": [...], "out": "DIR", "categories": ["accessibility", ...] or null (all four),
//        "audits": [...] audited besides the categories' own, "chromeFlags": [...],
//        "settings": {...} Lighthouse settings given as flags (e.g. shorter quiet windows)}.
// The browser is $CHROME_PATH (Debian's /usr/bin/chromium); chrome-launcher adds its own flags
// that switch off Chromium's background networking. Each page's full report (Lighthouse's
// JSON, "LHR") is written to DIR/<index>.json, in the order of "urls". The configuration is
// Lighthouse's default: a mobile run with simulated throttling. Lighthouse itself fetches
// nothing from the network in this mode; error reporting (Sentry) is off unless asked for,
// and it is never asked for here.
import fs from "node:fs";
import path from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
fs.mkdirSync(spec.out, { recursive: true });
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH,
  chromeFlags: spec.chromeFlags,
  logLevel: "error",
});
let failed = 0;
try {
  for (const [index, url] of spec.urls.entries()) {
    // The full-page screenshot only illustrates the HTML report, which is never written here.
    const flags = {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      disableFullPageScreenshot: true,
    };
    Object.assign(flags, spec.settings || {});
    if (spec.categories) flags.onlyCategories = spec.categories;
    if (spec.categories && spec.audits) flags.onlyAudits = spec.audits;
    const result = await lighthouse(url, flags);
    if (!result || result.lhr.runtimeError) failed += 1;
    fs.writeFileSync(path.join(spec.out, `${index}.json`), result ? result.report : "null");
    process.stderr.write(`lighthouse ${index + 1}/${spec.urls.length} ${url}\n`);
  }
} finally {
  await chrome.kill();
}
process.exitCode = failed ? 1 : 0;
