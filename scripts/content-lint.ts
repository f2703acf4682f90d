/**
 * `npm run content:lint -- <files or directories>`: validates content packs and prints one
 * line per valid pack and one per error, so an author can fix them all in one pass.
 * Directories are searched recursively for `*.json`, skipping `*.schema.json`.
 * Exits 1 when any pack is invalid or unreadable, 2 on wrong usage.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePackJson, type PackError } from '../lib/guides/validate';

async function packFiles(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((entry) => !entry.name.startsWith('.') && entry.name !== 'node_modules')
      .filter((entry) => entry.isDirectory() || (entry.name.endsWith('.json') && !entry.name.endsWith('.schema.json')))
      .map((entry) => packFiles(join(path, entry.name))),
  );
  return nested.flat().sort();
}

function errorLine(file: string, error: PackError): string {
  // A pack without a valid id is named by its file, which the line starts with already.
  const pack = error.pack === file ? undefined : error.pack;
  const where = [pack, error.itemId, error.path].filter((part) => part !== undefined).join(' › ');
  return `${file}: ${where}: ${error.message}`;
}

async function lint(paths: readonly string[]): Promise<number> {
  let valid = 0;
  let invalid = 0;
  let unusablePaths = 0;
  for (const path of paths) {
    let files: string[];
    try {
      files = await packFiles(path);
    } catch {
      console.log(`${path}: no such file or directory`);
      unusablePaths++;
      continue;
    }
    if (files.length === 0) {
      console.log(`${path}: no .json files found`);
      unusablePaths++;
    }
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        console.log(`${file}: cannot read: ${error instanceof Error ? error.message : String(error)}`);
        invalid++;
        continue;
      }
      const result = parsePackJson(text, file);
      if (result.ok) {
        const { id, version, items } = result.pack;
        console.log(`✓ ${file} (pack ${id} v${version}, ${items.length} ${items.length === 1 ? 'item' : 'items'})`);
        valid++;
      } else {
        for (const error of result.errors) console.log(errorLine(file, error));
        invalid++;
      }
    }
  }
  const checked = valid + invalid;
  console.log(`${checked} ${checked === 1 ? 'pack' : 'packs'} checked: ${valid} valid, ${invalid} invalid`);
  return invalid > 0 || unusablePaths > 0 ? 1 : 0;
}

const paths = process.argv.slice(2);
if (paths.length === 0) {
  console.error('Usage: npm run content:lint -- <pack.json or directory>…');
  process.exitCode = 2;
} else {
  process.exitCode = await lint(paths);
}
