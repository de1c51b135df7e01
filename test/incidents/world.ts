import { fileReport, type Reporter, type ReportInput } from '../../src/incidents/service.js';
import { makeCodeVersion } from '../helpers/factories.js';
import { testConfig } from '../helpers/app.js';

export const settings = testConfig();

export const publishCode = makeCodeVersion;

import type { World } from '../helpers/world.js';
export { asActor, makeWorld, type World } from '../helpers/world.js';

export const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** A report straight through the service, anonymous citizen by default. */
export async function fileAbout(w: World, input: Partial<ReportInput> & { staffId?: string }, opts: { reporter?: Reporter; now?: Date } = {}) {
  const now = opts.now ?? new Date();
  return fileReport(
    {
      unitId: String(w.communeA._id),
      criterionCodes: ['X1', 'K1'],
      occurredOn: day(now.toISOString().slice(0, 10)),
      description: 'Cán bộ không chào, nói trống không và bắt tôi chờ.',
      ...input,
    },
    opts.reporter ?? { source: 'CITIZEN', anonymous: true },
    settings,
    now,
  );
}
