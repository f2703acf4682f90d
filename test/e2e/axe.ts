/**
 * axe-core in a real page, injected into the page's world over CDP (which the page's CSP does not
 * govern): on Ombord's overlay in a CRM page, what is inside the overlay's open shadow root only
 * (the CRM page is not ours to judge); or on the whole of a page of ours (the staff inbox).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

interface AxeResult {
  violations: Array<{ id: string; nodes: Array<{ target: unknown; failureSummary?: string }> }>;
}

export type AxeViolations = Array<{ id: string; targets: string[] }>;

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function axeViolations(page: Page, scope: 'overlay' | 'page'): Promise<AxeViolations> {
  await page.evaluate(axeSource);
  return page.evaluate(async (where) => {
    const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<AxeResult> } }).axe;
    const context = where === 'overlay' ? { include: [{ fromShadowDom: ['ombord-overlay', 'body'] }] } : document;
    const result = await axe.run(context, { resultTypes: ['violations'] });
    // Each node with axe's own summary of what to fix, so a failure says more than a selector.
    return result.violations.map((violation) => ({
      id: violation.id,
      targets: violation.nodes.map((node) => `${JSON.stringify(node.target)}: ${node.failureSummary ?? ''}`),
    }));
  }, scope);
}

/** axe-core on Ombord's overlay only. */
export async function overlayAxeViolations(page: Page): Promise<AxeViolations> {
  return axeViolations(page, 'overlay');
}

/** axe-core on the whole page. */
export async function pageAxeViolations(page: Page): Promise<AxeViolations> {
  return axeViolations(page, 'page');
}
