// @ts-check
/**
 * The import rules of ARCHITECTURE.md, checked by `npm run lint:deps` (part of
 * `npm test`). Imports flow one way:
 *
 *   root (src/app/, src/main.ts)
 *     -> adapters/ (one folder per channel; adapters/channel-module.ts is the socket)
 *       -> application (use cases: src/inbound, src/staff, src/surveys, src/privacy, src/reports, src/ops)
 *         -> domain (src/conversation, src/cases, src/sla, src/policy.ts, src/understanding)
 *           -> infrastructure (src/db, src/outbox, src/jobs timers, src/http, src/logger.ts,
 *              src/config.ts, and the channel floor src/channels: contract, evidence, file fetch)
 *
 * Imports inside a layer are fine as long as they make no circle. Type-only
 * imports count: they tie the files together just the same.
 */
const fs = require('node:fs');
const path = require('node:path');

// dependency-cruiser reads TypeScript through a parser of its own. TypeScript 7
// (the project's compiler) has no JavaScript compiler API and dependency-cruiser
// 17 accepts only TypeScript < 7, so it reads our sources with @swc/core. Without
// a parser it would find no .ts file at all and pass on an empty graph: refuse.
try {
  // Resolved from the running dependency-cruiser, as it resolves its parser.
  require.resolve('@swc/core', { paths: [path.dirname(fs.realpathSync(process.argv[1] ?? __filename))] });
} catch {
  throw new Error('dependency-cruiser cannot read TypeScript: @swc/core is not installed beside it (a devDependency: run npm install)');
}

const ROOT = '^(src/app/|src/main\\.ts$)';
const ADAPTERS = '^adapters/';
const APPLICATION = '^src/(inbound|staff|surveys|privacy|reports|ops)/';
const DOMAIN = '^src/(conversation|cases|sla|understanding)/|^src/policy\\.ts$';
const INFRASTRUCTURE = '^src/(db|outbox|jobs|http|channels)/|^src/(logger|config)\\.ts$';

/**
 * Upward imports that stand today and that the rest of issue #16 removes
 * (known, being removed by #16 work). Each entry: [from, to, why]. The lead
 * deletes entries as the work lands; an entry that matches nothing any more is
 * harmless but should go too. Do not add to this list: move the type or port
 * down instead.
 */
const KNOWN_UPWARD = [
  // Filled in below, per rule.
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A circle of imports makes every file in it depend on every other: break it with a port (an interface in the lower file) or by moving the shared type down.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'infrastructure-not-up',
      severity: 'error',
      comment: 'Infrastructure (database, outbox, timers, HTTP, logger, config, channel floor) knows no domain, use case, adapter or root.',
      from: { path: INFRASTRUCTURE },
      to: { path: [DOMAIN, APPLICATION, ADAPTERS, ROOT] },
    },
    {
      name: 'domain-not-up',
      severity: 'error',
      comment: 'The domain (engine, cases, deadlines, policy, understanding) knows no use case, adapter or root: use cases call the domain, not the other way round.',
      from: { path: DOMAIN },
      to: { path: [APPLICATION, ADAPTERS, ROOT] },
    },
    {
      name: 'application-not-up',
      severity: 'error',
      comment: 'Use cases know no adapter and no root: a channel calls a use case; a use case reaches a channel only through the outbox or a port.',
      from: { path: APPLICATION },
      to: { path: [ADAPTERS, ROOT] },
    },
    {
      name: 'only-root-knows-adapters',
      severity: 'error',
      comment: 'Only the composition root (src/app/, src/main.ts) imports adapters; tests and bench may too.',
      from: { pathNot: [ROOT, ADAPTERS, '^test/', '^bench/'] },
      to: { path: ADAPTERS },
    },
    {
      name: 'adapters-apart',
      severity: 'error',
      comment: 'A channel adapter does not import another channel adapter; what two share goes down to src/channels/ or into adapters/channel-module.ts.',
      from: { path: '^adapters/([^/]+)/' },
      to: { path: '^adapters/[^/]+/', pathNot: '^adapters/$1/' },
    },
    {
      name: 'nothing-imports-root',
      severity: 'error',
      comment: 'The composition root is imported by src/main.ts, tests and bench only.',
      from: { pathNot: [ROOT, '^test/', '^bench/'] },
      to: { path: ROOT },
    },
    {
      name: 'channel-floor-stays-floor',
      severity: 'error',
      comment: 'src/channels/ is the floor every adapter and the engine import: it imports nothing of the app but itself.',
      from: { path: '^src/channels/' },
      to: { path: '^(src|adapters)/', pathNot: '^src/channels/' },
    },
    {
      name: 'migrations-frozen',
      severity: 'error',
      comment: 'A migration is frozen in time: it uses Kysely<any> and never the app\'s code or types.',
      from: { path: '^src/db/migrations' },
      to: { path: '^(src|adapters)/', pathNot: '^src/db/migrations' },
    },
    {
      name: 'no-test-code-in-app',
      severity: 'error',
      comment: 'The service never imports test code.',
      from: { path: '^(src|adapters)/' },
      to: { path: '^test/' },
    },
    {
      name: 'resolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // See above: TypeScript 7 has no compiler API for dependency-cruiser.
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^node_modules/', '^dist/', '^bench/baseline-botbuilder/', '/public/'] },
    // Sources import each other with their .ts extension (allowImportingTsExtensions).
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: { text: { highlightFocused: true } },
  },
};
