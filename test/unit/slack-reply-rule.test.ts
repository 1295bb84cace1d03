import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, parseThreadMessage, slackToPlain } from '../../adapters/slack/slack.reply-rule.ts';

describe('the reply rule of case threads', () => {
  it('sends only messages that start with >> (as Slack encodes them) to the customer', () => {
    expect(parseThreadMessage('&gt;&gt; Hello, we are on it.')).toEqual({ kind: 'reply', text: 'Hello, we are on it.' });
    expect(parseThreadMessage('>>Hello')).toEqual({ kind: 'reply', text: 'Hello' });
    expect(parseThreadMessage('  &gt;&gt;\nLine one\nLine two ')).toEqual({ kind: 'reply', text: 'Line one\nLine two' });
    expect(parseThreadMessage('&gt;&gt;')).toEqual({ kind: 'reply', text: '' });
  });

  it('keeps everything else internal, including quotes and a >> later in the text', () => {
    expect(parseThreadMessage('Customer seems upset, call first')).toEqual({ kind: 'note', text: 'Customer seems upset, call first' });
    expect(parseThreadMessage('&gt; quoted line')).toMatchObject({ kind: 'note' });
    expect(parseThreadMessage('note: &gt;&gt; not a reply')).toMatchObject({ kind: 'note' });
    expect(parseThreadMessage('> > spaced')).toMatchObject({ kind: 'note' });
  });

  it('turns Slack markup into plain text a customer can read, without internal ids', () => {
    expect(slackToPlain('See <https://example.com/faq|our FAQ> or <https://example.com>')).toBe('See our FAQ (https://example.com/faq) or https://example.com');
    expect(slackToPlain('Ask <@U0AGENT01> or <@U0AGENT02|Bo> in <#C0CASES01|cases>')).toBe('Ask or Bo in cases');
    expect(slackToPlain('Write to <mailto:help@example.com|help@example.com>')).toBe('Write to help@example.com');
    expect(slackToPlain('1 &lt; 2 &amp;&amp; 3 &gt; 2')).toBe('1 < 2 && 3 > 2');
  });

  it('escapes customer text for mrkdwn', () => {
    expect(escapeMrkdwn('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
  });
});
