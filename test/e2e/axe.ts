/**
 * axe-core on Ombord's overlay in a real page: injected into the page's world, run on what is
 * inside the overlay's open shadow root only (the CRM page is not ours to judge).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

interface AxeResult {
  violations: Array<{ id: string; nodes: Array<{ target: unknown }> }>;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function overlayAxeViolations(page: Page): Promise<Array<{ id: string; targets: string[] }>> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<AxeResult> } }).axe;
    const result = await axe.run({ include: [{ fromShadowDom: ['ombord-overlay', 'body'] }] }, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({ id: violation.id, targets: violation.nodes.map((node) => JSON.stringify(node.target)) }));
  });
}
