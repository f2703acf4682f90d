/**
 * Quoting for values that go into CSS attribute selectors. `CSS.escape` is missing in Node and
 * in some test DOMs, and attribute values only need the CSSOM "serialize a string" rules anyway.
 */

/** `value` as a double-quoted CSS string, per CSSOM "serialize a string". */
export function cssString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code === 0) out += '\uFFFD';
    else if ((code >= 0x1 && code <= 0x1f) || code === 0x7f) out += `\\${code.toString(16)} `;
    else if (char === '"' || char === '\\') out += `\\${char}`;
    else out += char;
  }
  return `${out}"`;
}
