/**
 * `npm run bench:ab -- <A> <B> [options]`: bench (b)'s churn in two browsers, A against B, to
 * tell what one change to the extension costs or saves. A and B are each a built extension
 * directory or `none`; build a variant elsewhere with
 *
 *   OMBORD_OUTPUT_DIR=/tmp/variant npx wxt build      # → /tmp/variant/chrome-mv3
 *
 * Options (defaults in brackets):
 *   --blocks N          fresh pairs of browsers, the one launched first alternating [3]
 *   --pairs N           pairs of runs per block, one after the other, the first alternating [4]
 *   --rounds N          rounds per run [200]
 *   --settle-every N    rounds between the pauses that let a navigation settle [49; 1 puts a
 *                       settle after every round, to measure what a settle costs]
 *   --no-tip-check      do not wait for the Account tip before each run (a variant that shows none)
 *   --gc                trace each counted run and print the garbage collection on the page's
 *                       main thread (page and content script share one heap); tracing adds a
 *                       cost of its own to every run, on both sides
 *
 * Prints main-thread CPU (ThreadTime) per run: the medians, their ratio, the median of the pairs'
 * ratios, and the median of the pairs' differences (per settle too with --settle-every 1); then
 * the medians of script and of layout + style time, and style recalculations a round (and of GC
 * time, with --gc). A browser keeps a speed of its own, so a difference smaller than the spread of
 * the pairs printed with it is not one. The A/B checks quoted in bench (b)'s notes were made this way.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startFixtureServer } from '../test/e2e/fixture-server';
import { gcTracer } from './gc-trace';
import { churnOnce, churnRecords, inOrder, launch, median, openChurnTab, type BenchBrowser, type ChurnRun, type ChurnTab } from './guidance';

/** A mistake in the command line: said plainly, without a stack. */
function usage(message: string): never {
  console.error(`bench:ab: ${message}\nUsage: npm run bench:ab -- <A> <B> [--blocks N] [--pairs N] [--rounds N] [--settle-every N] [--no-tip-check] [--gc] (see bench/ab.ts)`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        blocks: { type: 'string', default: '3' },
        pairs: { type: 'string', default: '4' },
        rounds: { type: 'string', default: '200' },
        'settle-every': { type: 'string', default: '49' },
        'no-tip-check': { type: 'boolean', default: false },
        gc: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
}

const { positionals, values } = parse();
if (positionals.length > 2) usage(`two builds to compare, not ${positionals.length}`);

function count(name: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) usage(`--${name} must be a whole number of at least 1, not "${value}"`);
  return parsed;
}

/** An extension directory (the one holding manifest.json), or null for `none`. */
function extensionOf(spec: string | undefined, which: string): string | null {
  if (spec === undefined) usage(`name ${which}: an extension directory (with manifest.json) or "none"`);
  if (spec === 'none') return null;
  const dir = path.resolve(spec);
  if (!existsSync(path.join(dir, 'manifest.json'))) usage(`${which}: no manifest.json in ${dir} (build one with OMBORD_OUTPUT_DIR=… npx wxt build)`);
  return dir;
}

const [specA, specB] = positionals;
const a = extensionOf(specA, 'A');
const b = extensionOf(specB, 'B');
const blocks = count('blocks', values.blocks);
const pairs = count('pairs', values.pairs);
const rounds = count('rounds', values.rounds);
const settleEvery = count('settle-every', values['settle-every']);
const checkTip = !values['no-tip-check'];
const traceGc = values.gc;

const { records } = await churnRecords();
const server = await startFixtureServer();
/** A run, with its GC milliseconds when traced (NaN otherwise). */
type Run = ChurnRun & { gcMs: number };
const runs: Array<{ a: Run; b: Run }> = [];
try {
  for (let block = 0; block < blocks; block++) {
    const browsers: { a?: BenchBrowser; b?: BenchBrowser } = {};
    try {
      // Kept as each is launched, so that one launched before the other failed is closed too.
      const launched = await inOrder(
        block % 2 === 0,
        async () => (browsers.a = await launch(server.port, a)),
        async () => (browsers.b = await launch(server.port, b)),
      );
      const tabA = await openChurnTab(launched.with, a !== null && checkTip);
      const tabB = await openChurnTab(launched.without, b !== null && checkTip);
      const churn = (tab: ChurnTab) => {
        const tracer = traceGc ? gcTracer(tab.page, tab.cdp) : undefined;
        return async (): Promise<Run> => {
          const run = await churnOnce(tab, records, rounds, settleEvery, tracer);
          return { ...run, gcMs: tracer?.lastMs() ?? NaN };
        };
      };
      // One run each, not counted: the first run of a browser is slower than the rest.
      await inOrder(true, churn(tabA), churn(tabB));
      for (let pair = 0; pair < pairs; pair++) {
        const ran = await inOrder((block * pairs + pair) % 2 === 0, churn(tabA), churn(tabB));
        runs.push({ a: ran.with, b: ran.without });
        process.stderr.write('.');
      }
    } finally {
      await browsers.a?.close();
      await browsers.b?.close();
    }
  }
} finally {
  await server.close();
}
process.stderr.write('\n');

const thread = (run: ChurnRun) => run.threadMs;
const medianA = median(runs.map(({ a: run }) => thread(run)));
const medianB = median(runs.map(({ b: run }) => thread(run)));
const differences = runs.map((pair) => thread(pair.a) - thread(pair.b));
const settles = median(runs.map(({ a: run }) => run.result.settles));
const difference = median(differences);
const fixed = (value: number, digits = 0) => value.toFixed(digits);
console.log(`A: ${specA}\nB: ${specB}`);
console.log(`${blocks} blocks × ${pairs} pairs, ${rounds} rounds a run, a settle every ${settleEvery} (${settles} a run)`);
console.log(`main-thread CPU, median ms: A ${fixed(medianA)}, B ${fixed(medianB)}; ratio of medians A/B ${fixed(medianA / medianB, 3)}`);
console.log(`median of the pairs' ratios A/B: ${fixed(median(runs.map((pair) => thread(pair.a) / thread(pair.b))), 3)}`);
const layoutStyle = (list: ChurnRun[]) => median(list.map((run) => run.layoutStyleMs));
const script = (list: ChurnRun[]) => median(list.map((run) => run.scriptMs));
const all = { a: runs.map((pair) => pair.a), b: runs.map((pair) => pair.b) };
console.log(
  `of which, median ms: script A ${fixed(script(all.a))}, B ${fixed(script(all.b))}; layout + style A ${fixed(layoutStyle(all.a))}, B ${fixed(layoutStyle(all.b))}` +
    ` (recalculations a round A ${fixed(median(all.a.map((run) => run.styleRecalcs)) / rounds, 2)}, B ${fixed(median(all.b.map((run) => run.styleRecalcs)) / rounds, 2)})`,
);
if (traceGc) {
  const gc = (list: Run[]) => median(list.map((run) => run.gcMs));
  const gcDifferences = runs.map((pair) => pair.a.gcMs - pair.b.gcMs);
  console.log(
    `GC on the page's main thread (traced), median ms: A ${fixed(gc(all.a))}, B ${fixed(gc(all.b))}; median of the pairs' differences A−B ${fixed(median(gcDifferences), 1)}` +
      ` (pairs: ${gcDifferences.map((value) => fixed(value)).join(' ')})`,
  );
}
console.log(
  `median of the pairs' differences A−B: ${fixed(difference, 1)} ms a run` +
    (settleEvery === 1 ? `, ${fixed(difference / settles, 2)} ms a settle` : '') +
    ` (pairs: ${differences.map((value) => fixed(value)).join(' ')})`,
);
