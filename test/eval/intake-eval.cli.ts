/**
 * npm run eval:intake [-- --verbose]: drives the corpus through the real
 * engine, prints a table per split and locale, then one JSON line with both
 * splits' figures. --verbose lists each tune complaint that missed; held-out
 * complaints are never listed one by one (they must not be tuned on).
 * --trace <id> prints the conversation of one tune complaint.
 */
import { evaluateAll, MAX_TURNS, TURN_TARGET, type Figures, type SplitReport } from './intake-eval.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function row(label: string, f: Figures): string {
  return [
    label.padEnd(20),
    String(f.n).padStart(4),
    pct(f.reachedShare).padStart(8),
    pct(f.categoryAccuracy).padStart(8),
    pct(f.proposalAccuracy).padStart(8),
    pct(f.majorRecall).padStart(8),
    pct(f.falseMajorRate).padStart(8),
    String(f.medianTurns).padStart(7),
    String(f.reprompts).padStart(8),
    String(f.wordsLost).padStart(6),
    pct(f.fieldAccuracy).padStart(8),
    String(f.askedKnown).padStart(7),
    String(f.notOpened).padStart(7),
  ].join(' ');
}

function summary(report: SplitReport) {
  const f = report.overall;
  return {
    n: f.n,
    reachedShare: f.reachedShare,
    categoryAccuracy: f.categoryAccuracy,
    proposalAccuracy: f.proposalAccuracy,
    majorRecall: f.majorRecall,
    falseMajorRate: f.falseMajorRate,
    medianTurns: f.medianTurns,
    reprompts: f.reprompts,
    wordsLost: f.wordsLost,
    fieldAccuracy: f.fieldAccuracy,
    fields: f.fieldsByKind,
    askedKnown: f.askedKnown,
    notOpened: f.notOpened,
    unknownSteps: f.unknownSteps,
  };
}

const started = performance.now();
const reports = evaluateAll();
const verbose = process.argv.includes('--verbose');
console.log(`reached = case opened in <= ${TURN_TARGET} turns with the right category and severity; unopened runs count as ${MAX_TURNS + 1} turns`);
console.log(
  ['split / locale'.padEnd(20), '   n', ' reached', 'category', 'proposed', ' recall', 'falseMaj', ' median', 'reprompt', '  lost', '  fields', 'askKnwn', 'noCase'].join(' '),
);
for (const report of reports) {
  console.log(row(report.split, report.overall));
  for (const [locale, f] of Object.entries(report.byLocale)) console.log(row(`  ${locale}`, f));
  for (const unknown of report.overall.unknownSteps) console.log(`  ! ${unknown}`);
}
if (verbose) {
  const tune = reports.find((r) => r.split === 'tune')!;
  for (const run of tune.runs.filter((r) => !r.reached || r.lost.length > 0 || r.reprompts > 0 || Object.values(r.fields).includes(false))) {
    const wrongFields = Object.entries(run.fields).flatMap(([k, ok]) => (ok ? [] : [k]));
    console.log(
      `${run.id} turns=${run.turns} category=${run.category ?? '-'}${run.categoryOk ? '' : `(want ${run.expected.category})`} severity=${run.severity ?? '-'}${run.severityOk ? '' : `(want ${run.expected.severity})`}` +
        `${run.reprompts ? ` reprompts=${run.reprompts}` : ''}${run.lost.length ? ` lost=${JSON.stringify(run.lost)}` : ''}${wrongFields.length ? ` fields-wrong=${wrongFields}` : ''}${run.stopped ? ` stopped="${run.stopped}"` : ''}`,
    );
  }
}
const traced = process.argv.indexOf('--trace');
if (traced > 0) {
  const run = reports.find((r) => r.split === 'tune')!.runs.find((r) => r.id === process.argv[traced + 1]);
  console.log(run ? run.transcript.join('\n') : `--trace: no tune complaint ${process.argv[traced + 1]}`);
}
console.log(`(${Math.round(performance.now() - started)} ms)`);
console.log(JSON.stringify(Object.fromEntries(reports.map((r) => [r.split === 'held-out' ? 'heldOut' : 'tune', summary(r)]))));
