import type { Db } from '../db/database.ts';
import type { Timers } from '../jobs/timers.ts';
import type { Logger } from '../logger.ts';
import { campaignFigures, campaignStartedAs, consentingCustomerIds, findCampaign, insertCampaign, setCampaignRecipients, type CampaignFigures } from './survey.repository.ts';
import { SURVEY_QUEUE, type SurveyTimer } from './survey.service.ts';

export interface CampaignDeps {
  db: Db;
  timers: Timers;
  logger: Logger;
  clock: () => Date;
}

export type CampaignStart = { ok: true; id: number; recipients: number } | { ok: false; reason: 'invalid_name' };
export type ScheduledCampaignStart = CampaignStart | { ok: false; reason: 'already_started' };

/** The pg-boss queue of the scheduled campaign (policy survey.campaignSchedule; a durable cron schedule). */
export const CAMPAIGN_SCHEDULE_QUEUE = 'survey-campaign-schedule';
/** `started_by` of a campaign the schedule started. */
export const SCHEDULE_STARTER = 'schedule';
export type CampaignResults = { ok: true; name: string; startedAt: Date; recipients: number; figures: CampaignFigures } | { ok: false; reason: 'not_found' };

/**
 * The periodic anonymous satisfaction survey: a manager starts a campaign,
 * every customer who consented on a case (and is not anonymised) gets the
 * questions on their channel, one durable job each. Answers are stored
 * without any link to the person or a case; only totals are reported.
 */
export class CampaignService {
  constructor(private readonly deps: CampaignDeps) {}

  async start(input: { name: string; startedBy: string }): Promise<CampaignStart> {
    const name = input.name.trim();
    if (!name || name.length > 200) return { ok: false, reason: 'invalid_name' };
    return (await this.startNamed(name, input.startedBy)) as CampaignStart; // not `once`: never already_started
  }

  /**
   * An occurrence of the policy's campaign schedule: starts the campaign named
   * `<name> <date>` (the day it runs, in `timezone`) unless the schedule already
   * started that one: a redelivered job starts nothing twice, and a schedule
   * starts at most one campaign a day.
   */
  async startScheduled(schedule: { name: string; timezone: string }): Promise<ScheduledCampaignStart> {
    const stamp = new Intl.DateTimeFormat('sv-SE', { timeZone: schedule.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(this.deps.clock());
    const result = await this.startNamed(`${schedule.name} ${stamp}`, SCHEDULE_STARTER, true);
    if (!result.ok) this.deps.logger.info({ reason: result.reason }, 'scheduled survey campaign not started again');
    return result;
  }

  private async startNamed(name: string, startedBy: string, once = false): Promise<ScheduledCampaignStart> {
    const now = this.deps.clock();
    const result = await this.deps.db.transaction().execute(async (trx) => {
      if (once && (await campaignStartedAs(trx, name, startedBy))) return { ok: false as const, reason: 'already_started' as const };
      const id = await insertCampaign(trx, { name, startedBy, startedAt: now });
      const customers = await consentingCustomerIds(trx);
      for (const customerId of customers) {
        await this.deps.timers.schedule(trx, SURVEY_QUEUE, { stage: 'campaign-send', campaignId: id, customerId } satisfies SurveyTimer, now, `campaign:${id}:${customerId}`);
      }
      await setCampaignRecipients(trx, id, customers.length);
      return { ok: true as const, id, recipients: customers.length };
    });
    if (result.ok) this.deps.logger.info({ campaignId: result.id, recipients: result.recipients, by: startedBy }, 'survey campaign started');
    return result;
  }

  async results(id: number): Promise<CampaignResults> {
    const campaign = await findCampaign(this.deps.db, id);
    if (!campaign) return { ok: false, reason: 'not_found' };
    return { ok: true, name: campaign.name, startedAt: new Date(campaign.started_at), recipients: campaign.recipients, figures: await campaignFigures(this.deps.db, id) };
  }
}
