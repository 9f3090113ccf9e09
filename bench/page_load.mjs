// Opens an HTML report in headless Chromium and prints the time until the page's script has
// rendered everything (body[data-ready]), in ms. Usage: node page_load.mjs FILE.html
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";
const require = createRequire(new URL("../tests/browser/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });
const page = await browser.newPage();
const t0 = Date.now();
await page.goto(pathToFileURL(process.argv[2]).href);
await page.waitForSelector("body[data-ready='1']", { timeout: 60000 });
console.log(Date.now() - t0);
await browser.close();
