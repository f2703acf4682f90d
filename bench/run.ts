/**
 * `npm run bench`: runs each benchmark section in turn and prints its table. A new benchmark
 * adds its `run…Bench` function to `sections`.
 *
 * `BENCH=server node --import tsx bench/run.ts` runs only the backend sections (bench/server.ts),
 * which need no extension build.
 */
import { runChurnBench, runTimeToFirstTooltipBench } from './guidance';
import { runLocateBench } from './locate';
import { runServerIngestBench, runServerLatencyBench } from './server';

export interface BenchSection {
  title: string;
  columns: string[];
  rows: string[][];
  /** What was measured and how, so the numbers can be read without the source. */
  notes: string[];
}

const sections: Array<() => Promise<BenchSection>> = [runLocateBench, runTimeToFirstTooltipBench, runChurnBench, runServerIngestBench, runServerLatencyBench];
const SERVER_SECTIONS: ReadonlyArray<() => Promise<BenchSection>> = [runServerIngestBench, runServerLatencyBench];
const selected = process.env.BENCH === 'server' ? sections.filter((run) => SERVER_SECTIONS.includes(run)) : sections;

function formatSection({ title, columns, rows, notes }: BenchSection): string {
  const widths = columns.map((column, i) => Math.max(column.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${widths.map((width, i) => (cells[i] ?? '').padEnd(width)).join(' | ')} |`;
  return [
    `## ${title}`,
    '',
    line(columns),
    `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
    ...rows.map(line),
    '',
    ...notes.map((note) => `- ${note}`),
    '',
  ].join('\n');
}

for (const run of selected) {
  try {
    console.log(formatSection(await run()));
  } catch (error) {
    console.error(`Benchmark ${run.name} failed:`, error);
    process.exitCode = 1;
  }
}
