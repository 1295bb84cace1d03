import { createRequire } from 'node:module';
import type { Frame, Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

interface AxeResult {
  violations: Array<{ id: string; impact?: string | null; help: string; nodes: unknown[] }>;
}

/**
 * Runs axe-core 4 (WCAG 2.x A/AA rules and best practices) on the page or
 * frame as it is now and returns the serious and critical violations.
 */
export async function seriousAxeViolations(page: Page | Frame): Promise<Array<{ id: string; impact: string; help: string; nodes: number }>> {
  await page.addScriptTag({ path: AXE_PATH });
  const result = (await page.evaluate(() => (window as unknown as { axe: { run: (context: Document) => Promise<unknown> } }).axe.run(document))) as AxeResult;
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact!, help: v.help, nodes: v.nodes.length }));
}
