import { describe, expect, it } from 'vitest';
import { browserPlan } from '../support/browser-provision.ts';
import { findChromium } from '../support/browser.ts';

const only = (...present: string[]) => (path: string) => present.includes(path);

describe('finding the browser the tests drive', () => {
  it('takes CHROMIUM_PATH when it exists', () => {
    expect(findChromium({ CHROMIUM_PATH: '/opt/chrome' }, only('/opt/chrome', '/usr/bin/chromium'))).toBe('/opt/chrome');
  });

  it('never falls back from a CHROMIUM_PATH that does not exist', () => {
    expect(findChromium({ CHROMIUM_PATH: '/opt/missing' }, only('/usr/bin/chromium'))).toBeUndefined();
  });

  it("finds Debian's chromium, then other usual places", () => {
    expect(findChromium({}, only('/usr/bin/chromium', '/usr/bin/google-chrome'))).toBe('/usr/bin/chromium');
    expect(findChromium({}, only('/usr/bin/google-chrome'))).toBe('/usr/bin/google-chrome');
    expect(findChromium({}, only())).toBeUndefined();
  });
});

describe("npm test's browser pre-step", () => {
  it('uses a browser that is there', () => {
    expect(browserPlan({ found: '/usr/bin/chromium', chromiumPath: undefined, root: false, aptGet: true })).toEqual({ kind: 'ready', path: '/usr/bin/chromium' });
  });

  it('installs chromium with apt-get as root', () => {
    expect(browserPlan({ found: undefined, chromiumPath: undefined, root: true, aptGet: true })).toEqual({ kind: 'install' });
  });

  it('stops with what to do instead of skipping the browser tests', () => {
    const notRoot = browserPlan({ found: undefined, chromiumPath: undefined, root: false, aptGet: true });
    expect(notRoot).toMatchObject({ kind: 'stop', reason: expect.stringContaining('apt-get install chromium') });
    const noApt = browserPlan({ found: undefined, chromiumPath: undefined, root: true, aptGet: false });
    expect(noApt).toMatchObject({ kind: 'stop', reason: expect.stringContaining('CHROMIUM_PATH') });
  });

  it('does not install over a wrong CHROMIUM_PATH', () => {
    expect(browserPlan({ found: undefined, chromiumPath: '/opt/missing', root: true, aptGet: true })).toMatchObject({ kind: 'stop', reason: expect.stringContaining('/opt/missing') });
  });
});
