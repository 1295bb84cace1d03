import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useWebchatBrowser } from '../support/webchat-page.ts';

// The page's outbox: a message typed offline is kept (across reloads too) and
// reaches the case exactly once.
const chat = useWebchatBrowser();

/** Moves the page's clock on, 3 s at a time, until the page gives the bubble up as failed ("Not sent"). */
async function untilGivenUp(page: Page, bubble: Locator): Promise<void> {
  await expect
    .poll(async () => {
      await page.clock.fastForward(3000);
      return bubble.getAttribute('data-state');
    }, { timeout: 20_000 })
    .toBe('failed');
}

describe('web chat outbox in a real browser', () => {
  it('shows a message typed offline at once, keeps it across a reload while offline, and delivers it exactly once when back online', async () => {
    const { context, page } = await chat.started();
    await context.setOffline(true);
    await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(false);
    await chat.type(page, 'My parcel never arrived');
    await page.locator('.msg--local', { hasText: 'My parcel never arrived' }).waitFor();
    expect(await chat.outboxOf(page)).toEqual([expect.objectContaining({ shown: 'My parcel never arrived' })]);

    // Offline, the reload cannot even fetch the page; the message waits in storage.
    await expect(page.reload()).rejects.toThrow();
    await context.setOffline(false);
    await page.goto(chat.app.url);
    await chat.delivered(page, 'My parcel never arrived').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.locator('.msg--local').count()).toBe(0);
    await expect.poll(() => chat.outboxOf(page)).toEqual([]);
    expect(await chat.linesSaying('My parcel never arrived')).toBe(1);
    // The conversation goes on, and nothing more of that message arrives.
    await chat.type(page, 'Hello again');
    await chat.delivered(page, 'Hello again').waitFor({ timeout: 10_000 });
    expect(await chat.linesSaying('My parcel never arrived')).toBe(1);
  });

  it('after ~15 s offline marks the message "Not sent" (the notice stays), and sends it once the network is back', async () => {
    const { context, page } = await chat.started({ clock: true });
    await context.setOffline(true);
    await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(false);
    await chat.type(page, 'The box was crushed');
    const bubble = page.locator('.msg--local', { hasText: 'The box was crushed' });
    await bubble.waitFor();
    // Each retry waits longer; time is moved on until the page gives up.
    await untilGivenUp(page, bubble);
    await expect(bubble.getByRole('button', { name: 'Retry' }).isVisible()).resolves.toBe(true);
    expect(await page.inputValue('#input')).toBe('');
    // The polls that go on do not wipe the notice.
    await page.clock.fastForward(5000);
    await expect(bubble.locator('.msg__state').textContent()).resolves.toContain('Not sent');

    await context.setOffline(false);
    await chat.delivered(page, 'The box was crushed').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.locator('.msg--local').count()).toBe(0);
    expect(await chat.linesSaying('The box was crushed')).toBe(1);
  });

  it('offers Retry when the server cannot be reached, and Retry sends it', async () => {
    const { page } = await chat.started({ clock: true });
    await page.route('**/webchat/messages', (route) => (route.request().method() === 'POST' ? route.abort('connectionrefused') : route.fallback()));
    await chat.type(page, 'Nobody called me back');
    const bubble = page.locator('.msg--local', { hasText: 'Nobody called me back' });
    await untilGivenUp(page, bubble);
    await page.unroute('**/webchat/messages');
    await bubble.getByRole('button', { name: 'Retry' }).click();
    await chat.delivered(page, 'Nobody called me back').waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('input');
    expect(await chat.linesSaying('Nobody called me back')).toBe(1);
  });

  it('resends with the same id when the answer is lost, and the server keeps one copy', async () => {
    const { page } = await chat.started();
    const posts: string[] = [];
    let lost = false;
    await page.route('**/webchat/messages', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      posts.push(JSON.parse(route.request().postData() ?? '{}').id);
      if (lost) return route.fallback();
      lost = true;
      await route.fetch(); // the server handles it...
      await route.abort('connectionreset'); // ...and its answer is lost on the way back
    });
    await chat.type(page, 'I was charged twice');
    await chat.delivered(page, 'I was charged twice').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.locator('.msg--local').count()).toBe(0);
    await expect.poll(() => chat.outboxOf(page)).toEqual([]);
    expect(new Set(posts).size).toBe(1);
    await chat.type(page, 'That is all');
    await chat.delivered(page, 'That is all').waitFor({ timeout: 10_000 });
    expect(await chat.linesSaying('I was charged twice')).toBe(1);
  });

  it('sends one choice when an option is double-clicked', async () => {
    const { page } = await chat.started();
    await chat.type(page, 'The kettle I bought last week stopped heating after two days.');
    await chat.botSays(page, 'It sounds like a problem with product quality');
    let posts = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/webchat/messages')) posts++;
    });
    await page.locator('.msg--out').last().getByRole('button', { name: "Yes, that's it", exact: true }).dblclick();
    await chat.botSays(page, 'When and where');
    // Sends go one at a time in order: once the next line is through, a second choice would have been too.
    await chat.type(page, 'marker after the choice');
    await chat.delivered(page, 'marker after the choice').waitFor({ timeout: 10_000 });
    expect(await chat.linesSaying("Yes, that's it")).toBe(1);
    expect(posts).toBe(2);
  });

  it("keeps an upload's error on screen while polls come and go", async () => {
    const { page } = await chat.started({ shortPolls: true });
    await page.route('**/webchat/attachments', (route) => route.abort('connectionrefused'));
    let polls = 0;
    page.on('requestfinished', (r) => {
      if (r.method() === 'GET' && r.url().includes('/webchat/messages?')) polls++;
    });
    await page.setInputFiles('#file', { name: 'receipt.png', mimeType: 'image/png', buffer: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex') });
    await expect.poll(() => page.textContent('#status')).toBe('Could not upload receipt.png. Please try again.');
    const seen = polls;
    await expect.poll(() => polls).toBeGreaterThan(seen + 3);
    expect(await page.textContent('#status')).toBe('Could not upload receipt.png. Please try again.');
  });
});
