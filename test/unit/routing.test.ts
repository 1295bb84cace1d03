import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/policy.ts';
import { loadRouting, parseRouting, remedyNeedsApproval, routeCase, RoutingError } from '../../src/staff/routing.ts';

const policy = parsePolicy({});
const routing = parseRouting(
  {
    teams: {
      care: { members: ['U0AGENT1', 'U0AGENT2'], assignment: 'round_robin' },
      quality: { channel: 'C0QUALITY', assignment: 'claim' },
      urgent: { channel: 'C0URGENT', members: ['U0SUPER1'], assignment: 'least_loaded' },
    },
    defaultTeam: 'care',
    rules: [
      { severity: 'major', team: 'urgent' },
      { category: ['product_quality', 'after_sales_repair'], team: 'quality' },
      { category: 'price_billing', team: 'care', channel: 'C0BILLING' },
    ],
  },
  policy,
  'C0CASES',
);

describe('routing rules', () => {
  it('routes by severity first, then category, then the default team and channel', () => {
    expect(routeCase(routing, { category: 'product_quality', severity: 'major' })).toMatchObject({ channel: 'C0URGENT', team: 'urgent', assignment: 'least_loaded' });
    expect(routeCase(routing, { category: 'product_quality', severity: 'general' })).toMatchObject({ channel: 'C0QUALITY', team: 'quality', assignment: 'claim' });
    expect(routeCase(routing, { category: 'price_billing', severity: 'general' })).toMatchObject({ channel: 'C0BILLING', team: 'care' });
    expect(routeCase(routing, { category: null, severity: 'general' })).toMatchObject({ channel: 'C0CASES', team: 'care', members: ['U0AGENT1', 'U0AGENT2'] });
  });

  it('asks for approval of material remedies on major cases only', () => {
    expect(remedyNeedsApproval(routing, 'major', 'compensation')).toBe(true);
    expect(remedyNeedsApproval(routing, 'major', 'apology')).toBe(false);
    expect(remedyNeedsApproval(routing, 'major', 'none')).toBe(false);
    expect(remedyNeedsApproval(routing, 'general', 'refund')).toBe(false);
  });

  it('names the file and the field of a mistake', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearken-routing-'));
    const file = join(dir, 'routing.json');
    const attempt = (content: unknown) => {
      writeFileSync(file, JSON.stringify(content));
      return () => loadRouting(file, policy, 'C0CASES');
    };
    expect(attempt({ rules: [{ team: 'ghost' }] })).toThrow(`${file}: field "rules.0.team": unknown team "ghost"`);
    expect(attempt({ teams: { a: {} }, rules: [{ team: 'a', category: 'toys' }] })).toThrow('field "rules.0.category": "toys" is not a policy category');
    expect(attempt({ teams: { a: { channel: '#general' } } })).toThrow('field "teams.a.channel": must be a Slack channel id');
    expect(attempt({ teams: { a: { assignment: 'round_robin' } } })).toThrow('field "teams.a.members"');
    expect(attempt({ teams: {}, colour: 'red' })).toThrow(RoutingError);
    writeFileSync(file, '{ not json');
    expect(() => loadRouting(file, policy, 'C0CASES')).toThrow(file);
    expect(() => loadRouting(join(dir, 'missing.json'), policy, undefined)).toThrow('field "defaultChannel"');
    expect(loadRouting(join(dir, 'missing.json'), policy, 'C0CASES').defaultChannel).toBe('C0CASES');
  });

  it('accepts the routing files shipped in the repository', () => {
    expect(() => loadRouting('config/routing.json', policy, 'C0CASES')).not.toThrow();
    expect(routeCase(loadRouting('config/routing.example.json', policy, undefined), { category: 'other', severity: 'major' }).team).toBe('escalations');
  });
});
