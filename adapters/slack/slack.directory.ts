import type { StaffActor, StaffRole } from '../../src/staff/staff-actor.ts';
import type { SlackClient } from './slack.client.ts';

export interface DirectoryOptions {
  staffChannel?: string;
  staffGroup?: string;
  supervisorsChannel?: string;
  supervisorsGroup?: string;
  ttlMs: number;
  clock?: () => number;
}

interface Cached<T> {
  value: Promise<T>;
  at: number;
}

/**
 * Who is staff and who is a supervisor, from Slack: members of the staff
 * channel and/or user group; supervisors likewise (a supervisor is staff).
 * Membership is cached for `ttlMs`. A lookup that fails throws: callers
 * refuse the action rather than guess.
 */
export class SlackDirectory {
  private readonly groups = new Map<'staff' | 'supervisors', Cached<Set<string>>>();
  private readonly names = new Map<string, Cached<string | undefined>>();
  private readonly now: () => number;

  constructor(
    private readonly client: SlackClient,
    private readonly options: DirectoryOptions,
  ) {
    this.now = options.clock ?? Date.now;
  }

  get hasSupervisors(): boolean {
    return Boolean(this.options.supervisorsChannel || this.options.supervisorsGroup);
  }

  async actor(userId: string): Promise<StaffActor> {
    return { userId, role: await this.role(userId) };
  }

  async role(userId: string): Promise<StaffRole> {
    if (this.hasSupervisors && (await this.members('supervisors')).has(userId)) return 'supervisor';
    if ((await this.members('staff')).has(userId)) return 'staff';
    return 'none';
  }

  /** The display name staff chose in Slack (for reply attribution); undefined when unknown. */
  async displayName(userId: string): Promise<string | undefined> {
    return this.cached(this.names, userId, 3_600_000, async () => {
      const info = await this.client.users.info({ user: userId });
      const profile = info.user?.profile;
      return profile?.display_name?.trim() || profile?.real_name?.trim() || info.user?.real_name?.trim() || undefined;
    }).catch(() => undefined);
  }

  private members(kind: 'staff' | 'supervisors'): Promise<Set<string>> {
    const channel = kind === 'staff' ? this.options.staffChannel : this.options.supervisorsChannel;
    const group = kind === 'staff' ? this.options.staffGroup : this.options.supervisorsGroup;
    return this.cached(this.groups, kind, this.options.ttlMs, async () => {
      const members = new Set<string>();
      if (channel) for (const id of await this.channelMembers(channel)) members.add(id);
      if (group) {
        const result = await this.client.usergroups.users.list({ usergroup: group });
        for (const id of result.users ?? []) members.add(id);
      }
      return members;
    });
  }

  private async channelMembers(channel: string): Promise<string[]> {
    const out: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.client.conversations.members({ channel, limit: 1000, ...(cursor ? { cursor } : {}) });
      out.push(...(page.members ?? []));
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return out;
  }

  private cached<K, T>(map: Map<K, Cached<T>>, key: K, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    if (hit && this.now() - hit.at < ttlMs) return hit.value;
    const value = load();
    map.set(key, { value, at: this.now() });
    // A failed lookup is not remembered.
    value.catch(() => {
      if (map.get(key)?.value === value) map.delete(key);
    });
    return value;
  }
}
