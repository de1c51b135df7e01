/**
 * The layout's rules (docs: README "Layout"), checked by `npm test`:
 * - a feature uses another feature only through its public door, `index.ts` (its model and helpers stay private);
 * - `shared/` and `db/` know no feature;
 * - no cycles.
 * The composition roots (src/app.ts, server.ts, startup.ts) and seeds/ wire features together and may reach further.
 */
module.exports = {
  forbidden: [
    {
      name: 'feature-door',
      comment: 'Another feature is reached through its index.ts only.',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/(shared|db)/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'shared-knows-no-feature',
      comment: 'shared/ and db/ are used by features, never the other way round.',
      severity: 'error',
      from: { path: '^src/(shared|db)/' },
      to: { path: '^src/', pathNot: ['^src/(shared|db)/', '^src/config\\.ts$'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
