// Browser test of `assay report --format html` in real headless Chromium (Debian's chromium,
// driven by playwright-core): builds a fixture database against the mock model server with
// hostile dataset text and model output, renders the page, and checks that it loads with no
// console errors and no network requests, shows the expected leaderboard, sorts, filters, shows
// hostile text as text and runs none of it. Writes a screenshot to the artifacts directory.
//
//   node report_test.mjs --assay BIN --mock BIN --artifacts DIR [--chromium /usr/bin/chromium]
//                        [--data ../shared/data]   (with it: an oracle GPQA run shows the named
//                                                    index aa-v4 as partial)
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, v, i, all) => (v.startsWith("--") ? [...acc, [v.slice(2), all[i + 1]]] : acc), []));
const chromiumPath = args.chromium || "/usr/bin/chromium";
for (const [k, p] of [["assay", args.assay], ["mock", args.mock], ["chromium", chromiumPath]]) {
  if (!p || !existsSync(p)) {
    console.error(`report_test: ${k} not found at '${p}' (scripts/install-deps.sh installs chromium; ctest passes the binaries)`);
    process.exit(1);
  }
}
let playwright;
try {
  playwright = await import("playwright-core");
} catch (e) {
  console.error("report_test: playwright-core is not installed; run `npm ci --prefix tests/browser` (scripts/test.sh does)");
  process.exit(1);
}

const failures = [];
const check = (cond, what) => { if (!cond) failures.push(what); };
const work = mkdtempSync(join(tmpdir(), "assay-browser-"));
mkdirSync(args.artifacts, { recursive: true });

// Fixture suite: 40 plain questions and hostile ones. The mock answers with the [[answer:X]] text.
const hostile = [
  "<script>window.__xss=2</script>",
  "</textarea><img src=x onerror=\"window.__xss=3\">",
  "<a href=\"javascript:window.__xss=4\">click me</a>",
  "{{constructor.constructor('window.__xss=5')()}}",
  "<div><b>unbalanced <i>markup",
  "</script><script>window.__xss=6</script>",
  "<svg onload=\"window.__xss=7\"><!--",
  "<img src=\"pixel.png\">",
];
const rows = [];
for (let i = 0; i < 40; i++) rows.push({ id: i, question: `Question ${i}: what number? [[answer:${i}]]`, answer: String(i) });
hostile.forEach((h, k) => rows.push({ id: 100 + k, question: `Hostile ${k}: ${h} [[answer:<img src=x onerror=window.__xss=${10 + k}>]]`, answer: String(100 + k) }));
writeFileSync(join(work, "rows.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
writeFileSync(join(work, "suite.toml"), `name = "hostile"
domain = "math"
[dataset]
files = ["rows.jsonl"]
[sample]
id = "h/{id}"
prompt = """Solve it. End with a line "#### ANSWER".

{question}"""
target = "{answer}"
[generation]
max_tokens = 256
[scoring]
scorers = ["gsm8k"]
`);

// An agent suite whose tool output and final answer are hostile markup: the sample browser opens
// it as a conversation (turns, tool calls, collapsed tool output) that runs none of it.
const agentScript = JSON.stringify([
  { calls: [{ name: "bash", arguments: { command: "echo PGltZyBzcmM9eCBvbmVycm9yPXdpbmRvdy5fX3hzcz05OT4= | base64 -d" } }] },
  { answer: "<script>window.__xss=98</script>agent-xss done" },
]);
writeFileSync(join(work, "agent.toml"), `name = "agent-xss"
domain = "agents"
[dataset]
[[dataset.rows]]
id = "x1"
task = '''Task agent-xss. <<agent-script>>${agentScript}<</agent-script>>'''
[sample]
id = "{id}"
prompt = "{task}"
target = "done"
[agent]
tools = ["bash"]
[scoring]
scorers = ["exact"]
`);

// A judge-graded suite (HealthBench format): the mock, acting as judge, answers the verdict in
// each criterion's [[reply:...]] marker. Two examples score 1 and -1 (mean 0 after clipping);
// the page shows the clipped aggregation and the per-tag breakdown.
const verdict = (met) => `[[reply:{"criteria_met": ${met}}]]`;
const rubricRows = [
  { prompt_id: "r1", prompt: [{ role: "user", content: "I have a cough." }], example_tags: ["theme:context_seeking"],
    rubrics: [{ criterion: "Asks how long. " + verdict(true), points: 4, tags: ["axis:completeness"] }] },
  { prompt_id: "r2", prompt: [{ role: "user", content: "Chest pain, what now?" }], example_tags: ["theme:emergency_referrals"],
    rubrics: [{ criterion: "Refers to emergency care. " + verdict(false), points: 5, tags: ["axis:accuracy"] },
              { criterion: "Suggests waiting a week. " + verdict(true), points: -5, tags: ["axis:accuracy"] }] },
];
writeFileSync(join(work, "rubric.jsonl"), rubricRows.map((r) => JSON.stringify(r)).join("\n") + "\n");
writeFileSync(join(work, "rubric.toml"), `name = "rubric"
domain = "health"
[dataset]
files = ["rubric.jsonl"]
[sample]
id = "{prompt_id}"
messages_field = "prompt"
target = "(rubric)"
metadata = ["rubrics", "example_tags"]
[scoring]
scorers = ["healthbench"]
`);

const mock = spawn(args.mock, ["--port-file", join(work, "port"), "--seed", "3", "--chunk-delay-ms", "2"], { stdio: "ignore" });
// A second server that answers every request with HTTP 500: a broken run of the same model there
// must not replace its good run on the page.
const broken = spawn(args.mock, ["--port-file", join(work, "broken-port"), "--fail-500", "1"], { stdio: "ignore" });
let browser;
try {
  for (let i = 0; i < 300 && !(existsSync(join(work, "port")) && existsSync(join(work, "broken-port"))); i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
  const port = readFileSync(join(work, "port"), "utf8").trim();
  const brokenPort = readFileSync(join(work, "broken-port"), "utf8").trim();
  const url = `http://127.0.0.1:${port}/v1`;
  const db = join(work, "r.db");
  const models = ["alpha-p0.9", "beta-p0.4", "gamma-p0.7"];
  const run = spawnSync(args.assay, ["run", "--suite", join(work, "suite.toml"), "--db", db,
    ...models.flatMap((m) => ["--model", `openai:${m}@${url}`])], { encoding: "utf8" });
  if (run.status !== 0) throw new Error("assay run failed: " + run.stderr);
  const judged = spawnSync(args.assay, ["run", "--suite", join(work, "rubric.toml"), "--db", db,
    "--model", `openai:delta-p0.9@${url}`, "--judge", `openai:judge@${url}`], { encoding: "utf8" });
  if (judged.status !== 0) throw new Error("assay run (judged) failed: " + judged.stderr);
  // The first model in a second mode (self-consistency): its own leaderboard entry, and a row of
  // the Modes table beside its default mode.
  const voted = spawnSync(args.assay, ["run", "--suite", join(work, "suite.toml"), "--db", db,
    "--model", `openai:${models[0]}@${url}?vote=3`], { encoding: "utf8" });
  if (voted.status !== 0) throw new Error("assay run (voted) failed: " + voted.stderr);
  const failed = spawnSync(args.assay, ["run", "--suite", join(work, "suite.toml"), "--db", db, "--max-retries", "0",
    "--model", `openai:${models[1]}@http://127.0.0.1:${brokenPort}/v1`], { encoding: "utf8" });
  if (failed.status !== 1) throw new Error("assay run against the broken server should fail (exit 1): " + failed.status + " " + failed.stderr);
  // The third model again on its first 10 questions: newer, so shown, and marked partial.
  const limited = spawnSync(args.assay, ["run", "--suite", join(work, "suite.toml"), "--db", db, "--limit", "10",
    "--model", `openai:${models[2]}@${url}`], { encoding: "utf8" });
  if (limited.status !== 0) throw new Error("assay run (limited) failed: " + limited.stderr);
  // The oracle on GPQA Diamond (a member of aa-v4 worth 6.25% of its weight), when the shared
  // data is there.
  const haveData = args.data && existsSync(join(args.data, "gpqa", "gpqa_diamond.csv"));
  if (haveData) {
    const oracle = spawnSync(args.assay, ["run", "-s", "gpqa-diamond", "-m", "oracle", "--data-dir", args.data, "--db", db], { encoding: "utf8" });
    if (oracle.status !== 0) throw new Error("assay run (oracle gpqa-diamond) failed: " + oracle.stderr);
  } else {
    console.log("report_test: ../shared/data is absent: the named-index column check is skipped");
  }
  const agent = spawnSync(args.assay, ["run", "--suite", join(work, "agent.toml"), "--db", db,
    "--model", `openai:agent-model@${url}`], { encoding: "utf8" });
  if (agent.status !== 0) throw new Error("assay run (agent) failed: " + agent.stderr);
  const html = join(work, "leaderboard.html");
  const rep = spawnSync(args.assay, ["report", "--db", db, "--out", html], { encoding: "utf8" });
  if (rep.status !== 0) throw new Error("assay report failed: " + rep.stderr);
  const js = spawnSync(args.assay, ["report", "--db", db, "--format", "json"], { encoding: "utf8" });
  const expected = JSON.parse(js.stdout).runs.filter((r) => r.suite === "hostile").map((r) => ({ model: r.model_spec, score: r.summary.score }));

  browser = await playwright.chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const consoleErrors = [];
  const requests = [];
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.on("request", (r) => requests.push(r.url()));
  const pageUrl = pathToFileURL(html).href;
  await page.goto(pageUrl);
  await page.waitForSelector("body[data-ready='1']", { timeout: 10000 });

  // Leaderboard: one row per model with the stored score in its domain column. No unnamed
  // "Index" column: indexes are named, and shown only when some model ran a member.
  const heads = await page.$$eval("#leaderboard thead th", (ths) => ths.map((th) => th.dataset.key || th.textContent));
  const col = (key) => heads.indexOf(key);
  check(col("math") > 0, `a math domain column: ${JSON.stringify(heads)}`);
  check(!heads.includes("index"), `no unnamed index column: ${JSON.stringify(heads)}`);
  const mathCol = col("math");
  const board = await page.$$eval("#leaderboard tbody tr", (trs, c) => trs.map((tr) => ({ model: tr.cells[0].textContent, index: tr.cells[c].firstChild ? tr.cells[c].firstChild.textContent : "" })), mathCol);
  // The math suite's models and modes, the agent model, and (with the shared data) the oracle.
  check(board.length === (haveData ? 7 : 6), `leaderboard has ${board.length} rows, expected ${haveData ? 7 : 6}`);
  if (haveData) {
    // The oracle's aa-v4: 100 over the one member it ran, marked with the weight that covers.
    check(col("index:aa-v4") > 0, `an aa-v4 column: ${JSON.stringify(heads)}`);
    const oracleCell = await page.$$eval("#leaderboard tbody tr", (trs, c) => {
      const tr = trs.find((t) => t.cells[0].textContent === "oracle:oracle");
      return tr ? [tr.cells[c].textContent, tr.cells[c].title] : null;
    }, col("index:aa-v4"));
    check(oracleCell && oracleCell[0].startsWith("100.0") && oracleCell[0].includes("covers 6%"), `oracle aa-v4 cell: ${JSON.stringify(oracleCell)}`);
    check(oracleCell && oracleCell[1].includes("missing: gdpval-aa"), `oracle aa-v4 tooltip names the missing members: ${JSON.stringify(oracleCell)}`);
    const otherCell = await page.$$eval("#leaderboard tbody tr", (trs, c) => trs.filter((t) => t.cells[0].textContent !== "oracle:oracle").map((t) => t.cells[c].textContent), col("index:aa-v4"));
    check(otherCell.every((t) => t === "–"), `models without a member have no aa-v4 value: ${JSON.stringify(otherCell)}`);
  }
  for (const e of expected) {
    const row = board.find((b) => b.model === e.model);
    check(row && row.index === (100 * e.score).toFixed(1), `leaderboard ${e.model}: '${row && row.index}' vs stored ${(100 * e.score).toFixed(1)}`);
  }

  // The broken run at the other URL replaced nothing: the good run is shown (its server named, as
  // two servers ran the SPEC), the broken one and the superseded full run are listed as not shown.
  const beta = board.find((b) => b.model.startsWith(`openai:${models[1]} @ 127.0.0.1:${port}`));
  check(beta && beta.index !== "" && beta.index !== "–", `the good run of ${models[1]} is on the board: ${JSON.stringify(board)}`);
  check(!board.some((b) => b.model.includes(brokenPort)), `the broken run is on the board: ${JSON.stringify(board)}`);
  const notShown = await page.textContent("#superseded summary");
  check(notShown.startsWith("Runs not shown (2)"), `not-shown summary: '${notShown}'`);
  // A partial run marks its domain and index cells, and provenance says what it covered.
  const partial = await page.$$eval("#leaderboard tbody tr", (trs) => trs.map((tr) => [tr.cells[0].textContent, Array.from(tr.querySelectorAll("span.partial")).length]));
  const gammaMarks = partial.find(([m]) => m.startsWith(`openai:${models[2]}`));
  check(gammaMarks && gammaMarks[1] === 1, `partial mark on ${models[2]} (math): ${JSON.stringify(partial)}`);
  check(partial.filter(([m]) => !m.startsWith(`openai:${models[2]}`)).every(([, n]) => n === 0), `partial marks elsewhere: ${JSON.stringify(partial)}`);
  const coverage = await page.$$eval("#provenance tbody tr", (trs) => trs.map((tr) => tr.cells[tr.cells.length - 1].textContent));
  check(coverage.includes("10 of 48 (first 10) — partial"), `provenance coverage: ${JSON.stringify(coverage)}`);

  // Modes: the first model's default and vote=3 runs side by side, the vote against the cheapest.
  const modes = await page.$$eval("#modes table.modes tbody tr", (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[7].textContent]));
  check(modes.length === 2 && modes[0][0] === "default" && modes[0][1] === "cheapest" && modes[1][0] === "vote=3", `modes table: ${JSON.stringify(modes)}`);

  // The judge-graded suite: clipped mean, and every tag's score in the breakdown.
  const rubricCi = await page.$$eval("#suites td", (tds) => tds.filter((td) => td.textContent.includes("clipped, bootstrap")).map((td) => td.title));
  check(rubricCi.length === 1 && rubricCi[0].includes("unclipped 0.0"), `clipped CI cell: ${JSON.stringify(rubricCi)}`);
  const breakdown = await page.$$eval("#suites details.breakdown tbody tr", (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]));
  const tag = Object.fromEntries(breakdown);
  check(tag["healthbench/axis:completeness"] === "100.0", `breakdown completeness: ${JSON.stringify(breakdown)}`);
  check(tag["healthbench/axis:accuracy"] === "0.0", `breakdown accuracy (raw -100%, clipped): ${JSON.stringify(breakdown)}`);
  check(tag["healthbench/theme:emergency_referrals"] === "0.0" && tag["healthbench/theme:context_seeking"] === "100.0", `breakdown themes: ${JSON.stringify(breakdown)}`);

  // Sorting: descending, then ascending by the math domain.
  await page.click("#leaderboard th[data-key='math']");
  const desc = await page.$$eval("#leaderboard tbody tr", (trs, c) => trs.map((tr) => parseFloat(tr.cells[c].dataset.sort)), mathCol);
  check(desc.every((v, i) => i === 0 || desc[i - 1] >= v), `sorted descending: ${desc}`);
  await page.click("#leaderboard th[data-key='math']");
  const asc = await page.$$eval("#leaderboard tbody tr", (trs, c) => trs.map((tr) => parseFloat(tr.cells[c].dataset.sort)), mathCol);
  check(asc.every((v, i) => i === 0 || asc[i - 1] <= v), `sorted ascending: ${asc}`);
  check(desc[0] !== asc[0], "sorting changed the first row");

  // Sample filter: by verdict and by text.
  await page.selectOption("#f-verdict", "wrong");
  const verdicts = await page.$$eval("#samples tbody tr", (trs) => trs.map((tr) => tr.dataset.verdict));
  check(verdicts.length > 0 && verdicts.every((v) => v === "wrong"), `verdict filter: ${verdicts.length} rows, ${[...new Set(verdicts)]}`);
  await page.selectOption("#f-verdict", "");
  const alpha = expected.find((e) => e.model.includes("alpha")).model;
  await page.selectOption("#f-model", alpha);
  const modelsShown = await page.$$eval("#samples tbody tr", (trs) => [...new Set(trs.map((tr) => tr.cells[0].textContent))]);
  check(modelsShown.length === 1 && modelsShown[0] === alpha, `model filter: ${modelsShown}`);
  await page.selectOption("#f-model", "");
  await page.fill("#f-search", "Hostile");
  const found = await page.$$eval("#samples tbody tr", (trs) => trs.length);
  check(found > 0, "search for 'Hostile' found embedded samples");

  // XSS battery: open every hostile sample; its text shows verbatim and nothing runs.
  const n = await page.$$eval("#samples tbody tr", (trs) => trs.length);
  for (let i = 0; i < n; i++) {
    await page.click(`#samples tbody tr:nth-child(${i + 1})`);
  }
  await page.fill("#f-search", "window.__xss=2");
  await page.click("#samples tbody tr:nth-child(1)");
  const detail = await page.textContent("#sample-detail");
  check(detail.includes("<script>window.__xss=2</script>"), "hostile prompt shows as text in the detail");
  const injected = await page.evaluate(() => ({
    xss: window.__xss,
    scripts: document.querySelectorAll("script").length,
    detailElements: document.querySelectorAll("#sample-detail script, #sample-detail img, #sample-detail svg, #sample-detail a, #samples img").length,
  }));
  check(injected.xss === undefined, `hostile text executed: window.__xss = ${injected.xss}`);
  check(injected.scripts === 2, `page has ${injected.scripts} script elements, expected 2`);
  check(injected.detailElements === 0, `hostile markup became ${injected.detailElements} elements`);

  // The agent sample as a conversation: two turns, the bash call with its arguments, its
  // output collapsed with its size, the end; the hostile output and answer stay text.
  await page.fill("#f-search", "agent-xss");
  await page.click("#samples tbody tr:nth-child(1)");
  const convo = await page.evaluate(() => ({
    turns: document.querySelectorAll("#sample-detail .conversation .turn-assistant").length,
    tools: Array.from(document.querySelectorAll("#sample-detail .conversation .turn-tool summary")).map((e) => e.textContent),
    toolText: (document.querySelector("#sample-detail .conversation .turn-tool pre") || {}).textContent,
    calls: Array.from(document.querySelectorAll("#sample-detail .conversation .call")).map((e) => e.textContent),
    end: (document.querySelector("#sample-detail .conversation .turn-end") || {}).textContent,
    elements: document.querySelectorAll("#sample-detail img, #sample-detail script").length,
    xss: window.__xss,
  }));
  check(convo.turns === 2, `agent conversation shows ${convo.turns} assistant turns, expected 2`);
  check(convo.tools.length === 1 && convo.tools[0] === "tool bash · 35 bytes", `tool result summary: ${JSON.stringify(convo.tools)}`);
  check(convo.toolText === "<img src=x onerror=window.__xss=99>", `tool output shows as text: ${JSON.stringify(convo.toolText)}`);
  check(convo.calls.length === 1 && convo.calls[0].startsWith("→ bash {\"command\":\"echo PGltZy"), `tool call shown: ${JSON.stringify(convo.calls)}`);
  check(convo.end && convo.end.includes("answer: <script>window.__xss=98</script>agent-xss done"), `end shown: ${convo.end}`);
  check(convo.elements === 0 && convo.xss === undefined, `hostile agent text ran or became markup: ${JSON.stringify(convo)}`);

  await page.fill("#f-search", "");
  await page.screenshot({ path: join(args.artifacts, "leaderboard.png"), fullPage: true });
  check(consoleErrors.length === 0, `${consoleErrors.length} console errors, first: ${JSON.stringify(consoleErrors.slice(0, 3))}`);
  const external = requests.filter((r) => r !== pageUrl);
  check(external.length === 0, `${external.length} network requests besides the page, first: ${JSON.stringify(external.slice(0, 3))}`);
} catch (e) {
  failures.push(String(e && e.stack || e));
} finally {
  if (browser) await browser.close();
  mock.kill();
  broken.kill();
  rmSync(work, { recursive: true, force: true });
}
if (failures.length) {
  console.error("report_test: FAILED\n  " + failures.join("\n  "));
  process.exit(1);
}
console.log(`report_test: passed (screenshot ${join(args.artifacts, "leaderboard.png")})`);
