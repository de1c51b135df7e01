import { fileReport, type Reporter, type ReportInput } from '../../src/incidents/service.js';
import { makeCodeVersion, makeStaff, makeUser } from '../helpers/factories.js';
import { testConfig } from '../helpers/app.js';
import { makeWorld as makeBaseWorld } from '../helpers/world.js';
export { asActor } from '../helpers/world.js';

export const settings = testConfig();

export const publishCode = makeCodeVersion;


/** The test world, and a colleague of Thanh Nưa with a login who files peer reports. */
export async function makeWorld() {
  const w = await makeBaseWorld();
  const nam = await makeStaff({ fullName: 'Trần Văn Nam', unit: w.communeA });
  const namUser = await makeUser({ displayName: 'Trần Văn Nam', roles: [{ role: 'staff', unit: w.communeA }], staffId: nam._id });
  return { ...w, nam, namUser };
}
export type World = Awaited<ReturnType<typeof makeWorld>>;

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
