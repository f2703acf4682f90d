/**
 * WCAG AA contrast of the inbox's colour pairs in both schemes, read from `inbox.css` itself:
 * axe cannot check contrast in happy-dom, which lays nothing out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const css = readFileSync(join(import.meta.dirname, 'inbox.css'), 'utf8');

function variables(block: string): Map<string, string> {
  return new Map([...block.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6});/g)].map((match) => [match[1] ?? '', match[2] ?? '']));
}

const light = variables(css.slice(css.indexOf(':root {'), css.indexOf('@media (prefers-color-scheme: dark)')));
const darkStart = css.indexOf('@media (prefers-color-scheme: dark)');
const dark = new Map([...light, ...variables(css.slice(darkStart, css.indexOf('\n}\n', darkStart)))]);

function luminance(hex: string): number {
  const channels = [1, 3, 5].map((at) => Number.parseInt(hex.slice(at, at + 2), 16) / 255);
  const [r = 0, g = 0, b = 0] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}

/** Text on background: 4.5:1. */
const TEXT: Array<[string, string]> = [
  ['fg', 'bg'],
  ['fg', 'surface'],
  ['fg', 'hover'],
  ['muted', 'bg'],
  ['muted', 'surface'],
  ['muted', 'hover'],
  ['accent', 'bg'],
  ['accent', 'surface'],
  ['accent', 'hover'],
  ['accent-hover', 'bg'],
  ['accent-fg', 'accent'],
  ['accent-fg', 'accent-hover'],
  ['error-fg', 'error-bg'],
  ['success-fg', 'success-bg'],
  ['new-fg', 'new-bg'],
  ['progress-fg', 'progress-bg'],
  ['waiting-fg', 'waiting-bg'],
  ['answered-fg', 'answered-bg'],
  ['closed-fg', 'closed-bg'],
];

/** Control borders and the focus ring against what they sit on: 3:1. */
const NON_TEXT: Array<[string, string]> = [
  ['border-strong', 'bg'],
  ['border-strong', 'surface'],
  ['focus', 'bg'],
  ['focus', 'surface'],
  ['error-border', 'error-bg'],
];

it('reads both schemes from inbox.css', () => {
  expect(light.size).toBeGreaterThan(25);
  expect(dark.get('bg')).not.toBe(light.get('bg'));
  expect(contrast('#777777', '#ffffff')).toBeLessThan(4.5);
});

describe.each([
  ['light', light],
  ['dark', dark],
])('inbox colours (%s)', (_scheme, palette) => {
  const colour = (name: string) => {
    const value = palette.get(name);
    if (value === undefined) throw new Error(`inbox.css defines no --${name}`);
    return value;
  };

  it.each(TEXT)('%s on %s reads at 4.5:1 or more', (fg, bg) => {
    expect(contrast(colour(fg), colour(bg))).toBeGreaterThanOrEqual(4.5);
  });

  it.each(NON_TEXT)('%s against %s stands out at 3:1 or more', (fg, bg) => {
    expect(contrast(colour(fg), colour(bg))).toBeGreaterThanOrEqual(3);
  });
});
