// @ts-check
/**
 * The import rules of ARCHITECTURE.md, checked by `npm run lint:deps` (part of
 * `npm test`). Imports flow one way:
 *
 *   root (src/app/, src/main.ts)
 *     -> adapters/ (one folder per channel; adapters/channel-module.ts is the socket)
 *       -> application (use cases: src/inbound, src/surveys, src/reports, src/ops, src/staff, src/privacy, src/sla)
 *         -> domain (src/cases, src/conversation, src/policy.ts with src/policy/, src/understanding)
 *           -> infrastructure (src/db, src/outbox, src/jobs timers, src/http, src/logger.ts,
 *              src/config.ts, and the channel floor src/channels: contract, evidence, file fetch)
 *
 * Inside a layer the parts are ordered too (LAYERS below), so folders make no
 * circle. Type-only imports count: they tie the files together just the same.
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

/**
 * Every part of the code, top first, in its layer. A part imports only parts
 * below it: a later entry of its own layer, or any lower layer. Within a layer
 * the order is the order of calls (the customer's message reaches survey
 * answers, which use staff actions; reports read staff routing; ...).
 */
const LAYERS = [
  ['root', ['^src/main\\.ts$', '^src/app/']],
  ['adapters', ['^adapters/']],
  [
    'application',
    [
      '^src/inbound/',
      '^src/surveys/',
      '^src/reports/',
      '^src/ops/',
      '^src/staff/',
      '^src/privacy/',
      // The deadline clock: timers, reminders and breaches (the arithmetic is in src/cases/).
      '^src/sla/',
    ],
  ],
  ['domain', ['^src/cases/', '^src/conversation/', '^src/policy(\\.ts$|/)', '^src/understanding/']],
  [
    'infrastructure',
    ['^src/outbox/', '^src/jobs/', '^src/http/', '^src/db/', '^src/channels/', '^src/logger\\.ts$', '^src/config\\.ts$', '^src/errors\\.ts$', '^src/redact\\.ts$'],
  ],
];

/**
 * Upward imports that stand today: known, being removed by the rest of the
 * #16 work. [from file, to (regex), why]. The lead deletes entries as that
 * work lands. Do not add to this list: move the type down or give the lower
 * part a port (an interface it owns) instead.
 */
const KNOWN_UPWARD = [
  [
    'adapters/agents/agents.adapter.ts',
    '^adapters/botframework/botframework\\.(inbound|sender)\\.ts$',
    'the Agents SDK speaks the Bot Framework activity protocol and reuses its handling (inbound activity, sender): a shared adapters/bot-activity/ would be a third adapter folder for one protocol',
  ],
  ['adapters/agents/agents.auth.ts', '^adapters/botframework/botframework\\.inbound\\.ts$', 'as above: the loopback Emulator check and refusal logging are the Bot Framework inbound rules'],
];

const escape = (file) => `^${file.replace(/[.]/g, '\\.')}$`;

/** Rules that forbid `from` -> `to`, except the known upward imports listed above. */
function forbid(name, comment, from, to) {
  const known = KNOWN_UPWARD.filter(([file]) => new RegExp(from).test(file));
  const rules = [{ name, severity: 'error', comment, from: { path: from, pathNot: known.map(([file]) => escape(file)) }, to: { path: to } }];
  for (const [file, target, why] of known) {
    rules.push({ name, severity: 'error', comment: `${comment} Known, being removed by #16 work: ${why}.`, from: { path: escape(file) }, to: { path: to, pathNot: target } });
  }
  return rules;
}

/** One rule per part: nothing above it, in its layer or in a higher one. */
function layerRules() {
  const rules = [];
  LAYERS.forEach(([layer, parts], layerIndex) => {
    const higherLayers = LAYERS.slice(0, layerIndex).flatMap(([, p]) => p);
    parts.forEach((part, partIndex) => {
      if (higherLayers.length > 0) {
        rules.push(...forbid(`${layer}-not-up`, `The ${layer} layer imports nothing of the layers above it (${LAYERS.slice(0, layerIndex).map(([l]) => l).join(', ')}).`, part, higherLayers));
      }
      const higherInLayer = parts.slice(0, partIndex);
      if (higherInLayer.length > 0) {
        rules.push(...forbid(`${layer}-order`, `Inside the ${layer} layer, ${part} imports only the parts listed after it (no circle between folders).`, part, higherInLayer));
      }
    });
  });
  return rules;
}

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
    ...layerRules(),
    {
      name: 'in-a-layer',
      severity: 'error',
      comment: 'Every file of src/ and adapters/ belongs to a layer: add a new folder to LAYERS in .dependency-cruiser.cjs (and to ARCHITECTURE.md).',
      from: { path: '^(src|adapters)/', pathNot: LAYERS.flatMap(([, parts]) => parts) },
      to: {},
    },
    // A channel adapter does not import another one: what two share goes down to src/channels/ or into adapters/channel-module.ts.
    ...forbid('adapters-apart', 'A channel adapter does not import another channel adapter.', '^adapters/(?!agents/)([^/]+)/', ['^adapters/(?!$1/)[^/]+/']),
    ...forbid('adapters-apart', 'A channel adapter does not import another channel adapter.', '^adapters/agents/', ['^adapters/(?!agents/)[^/]+/']),
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
      // The bench runs hearken as production does, from the built dist/ (absent until npm run build).
      to: { couldNotResolve: true, pathNot: '^\\.\\./dist/' },
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
  },
};
