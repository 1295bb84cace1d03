import type { Migration } from 'kysely/migration';
import * as intake from './2026-11-22T0001-intake.ts';
import * as slack from './2026-11-22T0100-slack.ts';
import * as sla from './2026-11-22T0200-sla.ts';
import * as privacy from './2026-11-22T0300-privacy.ts';
import * as surveys from './2026-11-22T0400-surveys.ts';
import * as repeatLookup from './2026-11-22T0500-repeat-lookup.ts';
import * as campaignMarks from './2026-11-22T0600-campaign-marks.ts';
import * as singleUseExportLinks from './2026-11-22T0601-single-use-export-links.ts';
import * as slackThreadPosts from './2026-11-22T0700-slack-thread-posts.ts';
import * as botframeworkIdentity from './2026-11-29T1100-s-files-botframework-identity.ts';
import * as caseMilestones from './2026-11-29T1500-case-milestones.ts';
import * as reportIndexes from './2026-11-29T1600-report-indexes.ts';
import * as reportCoveringIndex from './2026-11-29T1700-report-covering-index.ts';
import * as identityErasureIndexes from './2026-11-29T1800-identity-erasure-indexes.ts';

/**
 * The migration list, one frozen file per migration: no file loader, same
 * list for PGlite and PostgreSQL. Migrations are frozen in time: typed
 * Kysely<any>, never import app code, never edited once released — add a
 * new one instead. Stay within PostgreSQL 15 features.
 *
 * The keys are the names recorded in each database's kysely_migration table
 * and the order Kysely runs them in (it sorts the keys): a recorded key never
 * changes, or a deployed database no longer matches the list and refuses to
 * migrate. Files are named by date with a unique time; two early migrations
 * were both recorded under `T0600`, so the second one's file is `T0601` while
 * its key stays. A new migration's key is its file name without `.ts`, later
 * than every key here (test/unit/migration-list.test.ts holds the list).
 */
export const migrations: Record<string, Migration> = {
  '2026-11-22T0001_intake': intake,
  '2026-11-22T0100_slack': slack,
  '2026-11-22T0200_sla': sla,
  '2026-11-22T0300_privacy': privacy,
  '2026-11-22T0400_surveys': surveys,
  '2026-11-22T0500_repeat_lookup': repeatLookup,
  '2026-11-22T0600_campaign_marks': campaignMarks,
  '2026-11-22T0600_single_use_export_links': singleUseExportLinks,
  '2026-11-22T0700_slack_thread_posts': slackThreadPosts,
  '2026-11-29T1100_s-files_botframework_identity': botframeworkIdentity,
  '2026-11-29T1500-case-milestones': caseMilestones,
  '2026-11-29T1600-report-indexes': reportIndexes,
  '2026-11-29T1700-report-covering-index': reportCoveringIndex,
  '2026-11-29T1800-identity-erasure-indexes': identityErasureIndexes,
};
