/**
 * Category accuracy, major recall and false-major rate of the classify rules
 * alone (no conversation) on an intake corpus file:
 *   npx tsx bench/classify-corpus.ts test/fixtures/intake-corpus/tune.json [-v]
 * Severity is what a new case would get: the text rules plus the customer's
 * requested remedy (answers.resolution.value), no earlier cases.
 */
import { readFileSync } from 'node:fs';
import { assessSeverity } from '../src/cases/severity.ts';
import { scoreCategories } from '../src/understanding/category.ts';
import { loadClassifyRules } from '../src/understanding/classify-rules.ts';
import { loadPolicy } from '../src/policy.ts';

interface Complaint {
  id: string;
  messages: string[];
  category: string;
  severity: string;
  answers?: { resolution?: { value?: string } };
}

const [file = 'test/fixtures/intake-corpus/tune.json', flag] = process.argv.slice(2);
const verbose = flag === '-v';
const policy = loadPolicy('config/policy.json');
const rules = loadClassifyRules('prompts');
const complaints = JSON.parse(readFileSync(file, 'utf8')) as Complaint[];
const tally = { n: complaints.length, categoryRight: 0, majors: 0, majorsFound: 0, majorsFoundByText: 0, generals: 0, falseMajors: 0 };
for (const complaint of complaints) {
  const text = complaint.messages.join('\n');
  const guess = scoreCategories(text, rules, policy.categories)[0]?.category ?? 'other';
  if (guess === complaint.category) tally.categoryRight++;
  else if (verbose) console.log(`category ${complaint.id}: expected ${complaint.category}, got ${guess} | ${text.slice(0, 160)}`);
  const assessed = assessSeverity({ text, desiredResolution: complaint.answers?.resolution?.value, recentCases: 0 }, policy, rules);
  const byText = assessed.reasons.some((r) => !r.startsWith('remedy:'));
  if (complaint.severity === policy.severity.elevated) {
    tally.majors++;
    if (assessed.severity === policy.severity.elevated) tally.majorsFound++;
    else if (verbose) console.log(`missed major ${complaint.id} | ${text.slice(0, 160)}`);
    if (byText) tally.majorsFoundByText++;
  } else {
    tally.generals++;
    if (assessed.severity === policy.severity.elevated) {
      tally.falseMajors++;
      if (verbose) console.log(`false major ${complaint.id}: ${assessed.reasons.join(', ')} | ${text.slice(0, 160)}`);
    }
  }
}
const share = (a: number, b: number) => Number((a / Math.max(b, 1)).toFixed(3));
console.log(JSON.stringify({
  complaints: tally.n,
  categoryAccuracy: share(tally.categoryRight, tally.n),
  majorRecall: share(tally.majorsFound, tally.majors),
  majorRecallTextOnly: share(tally.majorsFoundByText, tally.majors),
  falseMajorRate: share(tally.falseMajors, tally.generals),
  majors: tally.majors,
  generals: tally.generals,
}));
