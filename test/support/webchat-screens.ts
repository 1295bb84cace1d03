import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { appendTranscript } from '../../adapters/webchat/webchat.repository.ts';
import type { TestApp } from './test-app.ts';

/** Screenshots for people to look at (CI keeps them as artifacts; never committed). */
export const SCREENSHOT_DIR = join(process.env.HEARKEN_ARTIFACTS ?? 'artifacts', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** The visitor id the server keeps for the page's token (a hash of it, as the server computes). */
export async function visitorIdOf(page: Page | Frame): Promise<string> {
  const token = await page.evaluate(() => localStorage.getItem('hearken.webchat.token'));
  if (!token) throw new Error('the page has no web chat token yet');
  return visitorIdOfToken(token);
}

export function visitorIdOfToken(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 40);
}

/** A line from staff (or any sender) reaching the visitor the way the web chat sender delivers it. */
export async function deliverToVisitor(app: TestApp, visitorId: string, text: string): Promise<void> {
  await appendTranscript(app.database.db, visitorId, 'out', { text }, true);
}

/** WCAG contrast ratio of two CSS rgb()/rgba() colours (alpha ignored). */
export function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, bl] = (css.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** A real 24×24 PNG (an orange gradient), so thumbnails show something. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAAVklEQVR4nO3MoQFAUBRA0T/OHVEQBEEQBEEQBEEQBEEQBEEQBDPcOYyhvDPASWaYY4ElVlhjgy122OOAI04444IrbrjjgSdeeOODLymiiCKKKKKI/o8+RR7VLvubt8gAAAAASUVORK5CYII=', 'base64');
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
