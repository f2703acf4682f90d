/**
 * `npm run bench`: runs each benchmark section in turn and prints its table. A new benchmark
 * adds its `run…Bench` function to `sections`.
 */
import { runChurnBench, runTimeToFirstTooltipBench } from './guidance';
import { runLocateBench } from './locate';

export interface BenchSection {
  title: string;
  columns: string[];
  rows: string[][];
  /** What was measured and how, so the numbers can be read without the source. */
  notes: string[];
}

const sections: Array<() => Promise<BenchSection>> = [runLocateBench, runTimeToFirstTooltipBench, runChurnBench];

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

for (const run of sections) {
  try {
    console.log(formatSection(await run()));
  } catch (error) {
    console.error(`Benchmark ${run.name} failed:`, error);
    process.exitCode = 1;
  }
}
