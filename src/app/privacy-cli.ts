import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { loadConfigOrExit, type Config } from '../config.ts';
import { migrateToLatest, openDatabase } from '../db/database.ts';
import { Timers } from '../jobs/timers.ts';
import { createLogger } from '../logger.ts';
// An entry point, like main.ts, so it wires its own process: the web chat's transcript is erased with the customer, as in the app.
import { webchatPrivacy } from '../../adapters/webchat/webchat.privacy.ts';
import { loadPolicy } from '../policy.ts';
import { checkExportTarget, writeExportFile, type ExportTarget } from '../privacy/export-file.ts';
import { CASE_ANONYMISED_QUEUE, PrivacyService, type DataSubject } from '../privacy/privacy.service.ts';

const USAGE = `Data subject requests and retention, from the command line.

  npm run privacy -- export <channel> <externalId> [--out <file>]
  npm run privacy -- export case <caseNumber> [--out <file>]
  npm run privacy -- erase <channel> <externalId>
  npm run privacy -- erase case <caseNumber>
  npm run privacy -- retention

<channel> is webchat, telegram or botframework. Exports are JSON (stdout, or
<file> written as a new file with mode 0600, never through a symbolic link);
erasure prints what it removed (counts and
case numbers). Both are audited with the actor cli:<os user>. Verify the
requester's identity first: this tool does not.

With the embedded database (no DATABASE_URL) stop hearken first: one process
at a time may open it (--force skips that check).`;

const CHANNELS = ['webchat', 'telegram', 'botframework'];

/** Exit codes: 0 done, 1 not found / refused, 2 usage, 3 database busy, 78 configuration. */
async function runCli(args: string[], config: Config): Promise<number> {
  let force = false;
  let outFile: string | undefined;
  let outMissing = false;
  const words: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--force') force = true;
    else if (args[i] === '--out') {
      outFile = args[(i += 1)];
      outMissing = !outFile;
    } else words.push(args[i]!);
  }
  const [command, ...rest] = words;
  if (command === 'help' || command === '--help' || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  const subject = command === 'retention' ? undefined : parseSubject(rest);
  if ((command !== 'retention' && !subject) || !['export', 'erase', 'retention'].includes(command) || outMissing) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  // Refused before anything is read or audited.
  const target = outFile ? checkExportTarget(outFile) : undefined;
  if (target && !target.ok) return refusedTarget(outFile!, target);
  if (!config.DATABASE_URL && !force && existsSync(join(config.DATA_DIR, 'postmaster.pid'))) {
    process.stderr.write(`The embedded database in ${config.DATA_DIR} is open in another process (postmaster.pid). Stop hearken first, or pass --force if it is not running.\n`);
    return 3;
  }

  const logger = createLogger(config.LOG_LEVEL, process.stderr);
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
  let timers: Timers | undefined;
  try {
    await migrateToLatest(database.db);
    timers = await Timers.start(database, logger, { pollSeconds: 60 });
    await timers.defineQueue(CASE_ANONYMISED_QUEUE);
    const privacy = new PrivacyService({
      db: database.db,
      policy: loadPolicy(config.POLICY_FILE),
      logger,
      clock: () => new Date(),
      timers,
      // Case listeners (Slack) run in the app: it works the case-anonymised jobs this process schedules.
      caseListeners: [],
      privacyHooks: [webchatPrivacy],
      outboxWritten: () => undefined,
    });
    const actor = `cli:${userInfo().username}`;
    if (command === 'retention') {
      process.stdout.write(`${JSON.stringify(await privacy.runRetention(), null, 2)}\n`);
      return 0;
    }
    if (command === 'export') {
      const outcome = await privacy.exportCustomer(subject!, actor);
      if (!outcome.ok) return notFound(outcome.reason);
      const json = `${JSON.stringify(outcome.data, null, 2)}\n`;
      if (outFile) {
        const written = writeExportFile(outFile, json);
        if (!written.ok) return refusedTarget(outFile, written);
        process.stderr.write(`Export written to ${outFile} (${outcome.data.cases.length} case(s)).\n`);
      } else {
        process.stdout.write(json);
      }
      return 0;
    }
    const outcome = await privacy.eraseCustomer(subject!, actor);
    if (!outcome.ok) return notFound(outcome.reason);
    process.stdout.write(`${JSON.stringify(outcome.summary, null, 2)}\n`);
    return 0;
  } finally {
    await timers?.stop().catch(() => undefined);
    await database.close();
  }
}

function parseSubject(rest: string[]): DataSubject | undefined {
  if (rest.length !== 2) return undefined;
  const [first, second] = rest as [string, string];
  if (first === 'case') return /^C-\d{4}-\d{6,}$/.test(second) ? { caseNumber: second } : undefined;
  return CHANNELS.includes(first) && second.length > 0 ? { channel: first, externalId: second } : undefined;
}

function refusedTarget(path: string, target: Exclude<ExportTarget, { ok: true }>): number {
  process.stderr.write(
    target.reason === 'symlink'
      ? `${path} is a symbolic link: give the path of a new or regular file.\n`
      : `${path} is not a regular file: give the path of a new or regular file.\n`,
  );
  return 1;
}

function notFound(reason: string): number {
  process.stderr.write(reason === 'already_erased' ? 'This customer was already erased.\n' : 'No customer found for that channel identity or case number.\n');
  return 1;
}

async function main(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2), loadConfigOrExit());
}

void main();
