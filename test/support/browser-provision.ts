import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { findChromium } from './browser.ts';

/**
 * `npm test`'s pre-step: the browser tests need Chromium and are never
 * skipped, so a missing browser is installed here (Debian's package, with
 * apt-get, when running as root) or the run stops before the tests with what
 * to do.
 */
export type BrowserPlan =
  | { kind: 'ready'; path: string }
  | { kind: 'install' }
  | { kind: 'stop'; reason: string };

export function browserPlan(facts: { found: string | undefined; chromiumPath: string | undefined; root: boolean; aptGet: boolean }): BrowserPlan {
  if (facts.found) return { kind: 'ready', path: facts.found };
  if (facts.chromiumPath) return { kind: 'stop', reason: `CHROMIUM_PATH=${facts.chromiumPath} does not exist: point it at a Chromium or Chrome binary, or unset it.` };
  if (facts.root && facts.aptGet) return { kind: 'install' };
  return {
    kind: 'stop',
    reason: facts.aptGet
      ? 'the browser tests need Chromium: run `sudo apt-get install chromium` (or npm test as root, which installs it), or set CHROMIUM_PATH to a Chromium or Chrome binary.'
      : 'the browser tests need Chromium: install Chromium or Google Chrome, or set CHROMIUM_PATH to its binary.',
  };
}

function run(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
}

/** A font with Chinese glyphs, or the Chinese pages' screenshots (CI artifacts) show empty boxes. */
function hasChineseFont(): boolean {
  const listed = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  return listed.status === 0 ? listed.stdout.trim() !== '' : existsSync('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc');
}

/** Best effort: the tests read text, not pixels, so a font that cannot be installed stops nothing. */
function provisionChineseFont(): void {
  if (hasChineseFont() || process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return;
  process.stderr.write('npm test: no Chinese font; installing Debian\'s fonts-wqy-microhei for readable screenshots (once)\n');
  if (!(run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'fonts-wqy-microhei']) || (run('apt-get', ['update', '-qq']) && run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'fonts-wqy-microhei'])))) {
    process.stderr.write('npm test: the Chinese font could not be installed; Chinese screenshots will show empty boxes.\n');
  }
}

function provision(): number {
  provisionChineseFont();
  const facts = () => ({
    found: findChromium(),
    chromiumPath: process.env.CHROMIUM_PATH,
    root: process.getuid?.() === 0,
    aptGet: existsSync('/usr/bin/apt-get'),
  });
  const plan = browserPlan(facts());
  if (plan.kind === 'ready') return 0;
  if (plan.kind === 'stop') {
    process.stderr.write(`npm test: ${plan.reason}\n`);
    return 1;
  }
  process.stderr.write('npm test: Chromium not found; installing Debian\'s chromium with apt-get (once)\n');
  const installed = run('apt-get', ['update', '-qq']) && run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium']);
  const after = findChromium();
  if (installed && after) {
    process.stderr.write(`npm test: Chromium installed at ${after}\n`);
    return 0;
  }
  process.stderr.write('npm test: installing chromium with apt-get failed (output above); install it by hand or set CHROMIUM_PATH.\n');
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = provision();
