import { execFile } from 'node:child_process';
import { lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChannelModule } from '../../adapters/channel-module.ts';
import { englishIntake } from '../support/intake-scripts.ts';
import { findAnywhere } from '../support/privacy-fixtures.ts';
import { createTestDatabaseUrl, usingPostgres } from '../support/test-database.ts';
import { startTestApp, tempDataDir } from '../support/test-app.ts';

/** `npm run privacy -- …` without npm: the same script, in a child process with the operator's environment. */
function privacyCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['node_modules/tsx/dist/cli.mjs', 'src/app/privacy-cli.ts', ...args],
      { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run privacy', () => {
  it('exports and erases a customer by case number, audited as the OS user', async () => {
    const url = await createTestDatabaseUrl();
    const env: Record<string, string> = url ? { DATABASE_URL: url } : { DATA_DIR: tempDataDir() };
    let app = await startTestApp(env);
    const person = await englishIntake(app, {
      name: 'Ottilie Commandline',
      phone: '+44 7911 123777',
      phoneNormalised: '+447911123777',
      email: 'ottilie@example.com',
      description: 'The blender lid cracked on first use and cut my hand.',
      whenWhere: 'Home, Sunday morning',
      followUp: 'Ottilie adds: the receipt is in the box.',
    });
    if (!usingPostgres()) {
      const busy = await privacyCli(['export', 'case', person.caseNumber], env);
      expect(busy.code).toBe(3);
      expect(busy.stderr).toContain('Stop hearken first');
    }
    await app.stop();

    const usage = await privacyCli(['export', 'case'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('npm run privacy -- export <channel> <externalId>');

    const exported = await privacyCli(['export', 'case', person.caseNumber], env);
    expect(exported.code, exported.stderr).toBe(0);
    const data = JSON.parse(exported.stdout);
    expect(data.cases[0]).toMatchObject({ number: person.caseNumber, contact: { name: person.name, email: person.email } });
    // Onto an existing, world-readable file: replaced by a new 0600 file, not rewritten in place.
    const outFile = join(tmpdir(), `hearken-export-${Date.now()}.json`);
    writeFileSync(outFile, 'an older export, much longer than nothing at all '.repeat(200), { mode: 0o644 });
    const oldInode = statSync(outFile).ino;
    const toFile = await privacyCli(['export', 'webchat', data.customer.externalId, '--out', outFile], env);
    expect(toFile.code, toFile.stderr).toBe(0);
    expect(JSON.parse(readFileSync(outFile, 'utf8')).cases[0].number).toBe(person.caseNumber);
    expect(statSync(outFile).mode & 0o777).toBe(0o600);
    expect(statSync(outFile).ino).not.toBe(oldInode);

    // Through a symbolic link: refused before anything is read (no audit event), the link's target untouched.
    const victim = join(tmpdir(), `hearken-victim-${Date.now()}.txt`);
    writeFileSync(victim, 'not yours', { mode: 0o644 });
    const link = join(tmpdir(), `hearken-export-link-${Date.now()}.json`);
    symlinkSync(victim, link);
    const viaLink = await privacyCli(['export', 'webchat', data.customer.externalId, '--out', link], env);
    expect(viaLink.code).toBe(1);
    expect(viaLink.stderr).toContain('symbolic link');
    expect(readFileSync(victim, 'utf8')).toBe('not yours');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);

    const erased = await privacyCli(['erase', 'case', person.caseNumber], env);
    expect(erased.code, erased.stderr).toBe(0);
    expect(JSON.parse(erased.stdout)).toMatchObject({ cases: [person.caseNumber], caseMessagesBlanked: 1 });
    expect(await privacyCli(['erase', 'case', person.caseNumber], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('already erased') });
    // The CLI logs counts, never what it exported.
    for (const run of [exported, toFile, erased]) for (const needle of person.needles) expect(run.stderr).not.toContain(needle);

    // The app picks up the notice the CLI scheduled: the Slack desk would redact its card here.
    const notices: string[] = [];
    const desk = (): ChannelModule => ({ name: 'desk', caseListener: { caseAnonymised: async (_trx, e) => void notices.push(`${e.number}:${e.reason}`) } });
    app = await startTestApp(env, { modules: [desk] });
    try {
      await expect.poll(() => notices, { timeout: 15_000 }).toEqual([`${person.caseNumber}:erasure`]);
      expect(await findAnywhere(app.database.db, [...person.needles, data.customer.externalId])).toEqual({});
      const events = await app.database.db
        .selectFrom('case_events')
        .innerJoin('cases', 'cases.id', 'case_events.case_id')
        .select(['case_events.actor', 'case_events.action'])
        .where('cases.number', '=', person.caseNumber)
        .orderBy('case_events.id')
        .execute();
      const actor = `cli:${(await import('node:os')).userInfo().username}`;
      expect(events.map((e) => `${e.action} by ${e.actor}`).slice(1)).toEqual([`data_exported by ${actor}`, `data_exported by ${actor}`, `data_erased by ${actor}`]);
    } finally {
      await app.stop();
    }
  }, 180_000);
});
