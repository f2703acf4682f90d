/**
 * Validates content packs for authors: every problem at once, each with the JSON path of the
 * offending value, what was expected and what was found. Never throws, whatever the input.
 */
import { z } from 'zod';
import {
  crossCheckPack,
  GuideItemSchema,
  LocaleSchema,
  LocalizedTitleSchema,
  PackEnvelopeSchema,
  type ContentPack,
  type GuideItem,
  type PackIssue,
  type PackItemEntry,
} from './pack';

export interface PackError {
  /** The pack's id when it has a valid one, otherwise the source file. */
  pack: string;
  /** The item the error is in, when the item has an id. */
  itemId?: string;
  /** JSON path of the offending value, e.g. `$.items[3].steps[1].anchor.strategies[0].field`. */
  path: string;
  message: string;
}

export type PackValidation = { ok: true; pack: ContentPack } | { ok: false; errors: PackError[] };

const UNNAMED_PACK = '(unnamed pack)';

export function validatePack(json: unknown, source?: string): PackValidation {
  try {
    return validate(json, source);
  } catch (error) {
    // Only a hostile object (a throwing getter or proxy) gets here; JSON input cannot.
    return {
      ok: false,
      errors: [{ pack: source ?? UNNAMED_PACK, path: '$', message: `Could not read the pack: ${String(error)}` }],
    };
  }
}

/** Parses JSON text and validates it; a syntax error is reported with its line and column. */
export function parsePackJson(text: string, source: string): PackValidation {
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    const syntax = findJsonSyntaxError(json) ?? { offset: 0, message: String(error) };
    const { line, column } = lineAndColumn(json, syntax.offset);
    return {
      ok: false,
      errors: [{ pack: source, path: '$', message: `Invalid JSON at line ${line}, column ${column}: ${syntax.message}` }],
    };
  }
  return validatePack(value, source);
}

function validate(json: unknown, source: string | undefined): PackValidation {
  const record = isRecord(json) ? json : {};
  const packName = typeof record.id === 'string' && PackEnvelopeSchema.shape.id.safeParse(record.id).success
    ? record.id
    : (source ?? UNNAMED_PACK);
  const issues: PackIssue[] = [];
  const collect = (prefix: PropertyKey[], result: { success: boolean; error?: z.ZodError }) => {
    for (const issue of result.error?.issues ?? []) issues.push(...toPackIssues(issue, prefix));
  };

  const envelope = PackEnvelopeSchema.safeParse(json, { error: expectation });
  collect([], envelope);

  // Items are checked one by one, so that one malformed item does not hide the checks of the others.
  const rawItems: unknown[] = Array.isArray(record.items) ? record.items : [];
  const entries: PackItemEntry[] = [];
  const items: GuideItem[] = [];
  rawItems.forEach((raw, index) => {
    const parsed = GuideItemSchema.safeParse(raw, { error: expectation });
    collect(['items', index], parsed);
    if (parsed.success) items.push(parsed.data);
    const fields = isRecord(raw) ? raw : {};
    entries.push({ index, id: fields.id, kind: fields.kind, item: parsed.success ? parsed.data : null });
  });
  const defaultLocale = LocaleSchema.safeParse(record.defaultLocale);
  const name = LocalizedTitleSchema.safeParse(record.name);
  issues.push(...crossCheckPack(defaultLocale.data ?? null, name.data ?? null, entries));

  if (envelope.success && issues.length === 0) return { ok: true, pack: { ...envelope.data, items } };
  return { ok: false, errors: sortByItem(issues).map((issue) => toPackError(issue, json, packName)) };
}

/** One zod issue as pack issues with absolute paths; unknown keys become one issue per key. */
function toPackIssues(issue: z.core.$ZodIssue, prefix: PropertyKey[]): PackIssue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...path, key], message: issue.message }));
  return [{ path, message: issue.message }];
}

function toPackError(issue: PackIssue, json: unknown, pack: string): PackError {
  const found = valueAt(json, issue.path);
  // Messages that say what was expected ("Expected …", "Missing: expected …") get what was
  // found appended; the others (cross-field checks, unknown keys) already say everything.
  const described = /^(Expected|Missing)\b/.test(issue.message) && found.present
    ? `${issue.message}, found ${describeValue(found.value)}`
    : issue.message;
  const error: PackError = { pack, path: formatJsonPath(issue.path), message: described };
  const [first, index] = issue.path;
  if (first === 'items' && typeof index === 'number') {
    const id = valueAt(json, ['items', index, 'id']);
    if (id.present && typeof id.value === 'string') error.itemId = id.value;
  }
  return error;
}

function sortByItem(issues: PackIssue[]): PackIssue[] {
  const itemIndex = ({ path: [first, index] }: PackIssue) => (first === 'items' && typeof index === 'number' ? index : -1);
  return issues
    .map((issue, order) => ({ issue, order }))
    .sort((a, b) => itemIndex(a.issue) - itemIndex(b.issue) || a.order - b.order)
    .map(({ issue }) => issue);
}

/** `$.items[3].steps[1]`, with bracket notation for keys that are not identifiers. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let text = '$';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) text += `.${key}`;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text;
}

/**
 * What was expected, for every issue the schemas do not word themselves; the value found is
 * appended from the input by `toPackError`, so these say only what is missing or wanted.
 */
const expectation: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      const wanted = TYPE_NAMES[issue.expected] ?? issue.expected;
      return issue.input === undefined ? `Missing: expected ${wanted}` : `Expected ${wanted}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `Expected ${JSON.stringify(issue.values[0])}`
        : `Expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_union': {
      if (issue.discriminator === undefined || !isRecord(issue.input)) return 'Expected one of the allowed forms';
      const options = (Array.isArray(issue.options) ? issue.options : []).map((option) => JSON.stringify(option)).join(', ');
      return `${issue.input[issue.discriminator] === undefined ? 'Missing: expected' : 'Expected'} one of ${options}`;
    }
    case 'unrecognized_keys': {
      const allowed = issue.inst instanceof z.ZodObject ? Object.keys(issue.inst.shape) : [];
      return `Unknown property${allowed.length > 0 ? `; allowed here: ${allowed.join(', ')}` : ''}`;
    }
    case 'too_big':
    case 'too_small': {
      const limit = issue.code === 'too_big' ? issue.maximum : issue.minimum;
      const bound = issue.code === 'too_big'
        ? (issue.inclusive ? 'at most' : 'less than')
        : (issue.inclusive ? 'at least' : 'more than');
      const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' entries' : '';
      return `Expected ${bound} ${String(limit)}${unit}`;
    }
    case 'invalid_format':
      return issue.format === 'regex' && issue.pattern !== undefined
        ? `Expected text matching ${issue.pattern}`
        : `Expected a valid ${issue.format}`;
    default:
      return undefined;
  }
};

const TYPE_NAMES: Record<string, string> = {
  string: 'text (a JSON string)',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list (a JSON array)',
};

function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${JSON.stringify(value.slice(0, 57))}…` : JSON.stringify(value);
    return value.length > 60 ? `${shown} (${value.length} characters)` : shown;
  }
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): { present: boolean; value: unknown } {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return { present: false, value: undefined };
    value = Reflect.get(value, key);
  }
  return { present: value !== undefined, value };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastBreak };
}

/**
 * Where JSON text first goes wrong, and why. V8's `JSON.parse` messages give a position only
 * for some errors ("Unexpected token '}', ... is not valid JSON" has none), so this scanner,
 * run only after `JSON.parse` failed, finds it. Iterative: nesting depth costs no stack.
 */
function findJsonSyntaxError(text: string): { offset: number; message: string } | null {
  type Expect = 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'colon' | 'after';
  const stack: Array<'{' | '['> = [];
  let expect: Expect = 'value';
  let commaOffset: number | null = null;
  let i = 0;
  const fail = (message: string, offset = i) => ({ offset, message });

  while (true) {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
    if (i >= text.length) {
      if (expect === 'after' && stack.length === 0) return null;
      return fail(stack.length > 0 ? `unexpected end of file: ${stack.length} unclosed "${stack.at(-1)}"` : 'the file is empty');
    }
    const char = text.charAt(i);
    if (char === '/') return fail('comments are not allowed in JSON');

    if (expect === 'after') {
      const top = stack.at(-1);
      if (top === undefined) return fail('unexpected text after the end of the JSON document');
      const close = top === '{' ? '}' : ']';
      if (char === ',') {
        expect = top === '{' ? 'key' : 'value';
        commaOffset = i;
        i++;
      } else if (char === close) {
        stack.pop();
        i++;
      } else {
        return fail(`expected "," or "${close}"`);
      }
      continue;
    }
    if (expect === 'colon') {
      if (char !== ':') return fail('expected ":" after the property name');
      expect = 'value';
      i++;
      continue;
    }
    if ((char === '}' || char === ']') && commaOffset !== null) {
      return fail(`trailing comma before "${char}" is not allowed in JSON`, commaOffset);
    }
    commaOffset = null;
    if ((expect === 'keyOrEnd' && char === '}') || (expect === 'valueOrEnd' && char === ']')) {
      stack.pop();
      expect = 'after';
      i++;
      continue;
    }
    if (expect === 'key' || expect === 'keyOrEnd') {
      if (char !== '"') return fail('expected a property name in double quotes');
      const end = scanString(text, i);
      if (typeof end !== 'number') return end;
      i = end;
      expect = 'colon';
      continue;
    }
    // A value.
    if (char === '{' || char === '[') {
      stack.push(char);
      expect = char === '{' ? 'keyOrEnd' : 'valueOrEnd';
      i++;
      continue;
    }
    if (char === '"') {
      const end = scanString(text, i);
      if (typeof end !== 'number') return end;
      i = end;
    } else {
      JSON_LITERAL.lastIndex = i;
      if (!JSON_LITERAL.test(text)) {
        return fail(
          char === "'"
            ? 'strings need double quotes in JSON'
            : 'expected a value (text in double quotes, a number, true, false, null, an object or a list)',
        );
      }
      i = JSON_LITERAL.lastIndex;
    }
    expect = 'after';
  }
}

const JSON_LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

/** The offset after a JSON string starting at `start`, or the error inside it. */
function scanString(text: string, start: number): number | { offset: number; message: string } {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return { offset: i, message: 'line break or control character inside a string (write \\n)' };
    if (code === 0x5c) {
      const escape = /^(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/.exec(text.slice(i + 1, i + 6));
      if (escape === null) return { offset: i, message: 'invalid escape sequence in a string' };
      i += escape[0].length;
    }
  }
  return { offset: start, message: 'unterminated string' };
}
