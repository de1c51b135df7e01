import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { makeStaff } from '../helpers/factories.js';
import { createLogger } from '../../src/shared/logger.js';
import { seedEvaluationsDemo } from '../../seeds/demo-evaluations.js';
import { EvaluationModel, PeriodModel } from '../../src/evaluations/model.js';
import { makeWorld } from './world.js';

const GIVEN = ['An', 'Bình', 'Chung', 'Dung', 'Hoa', 'Khánh', 'Lan', 'Minh', 'Nga', 'Phúc', 'Sơn', 'Thảo', 'Tú', 'Vân', 'Xuân'];

describe('evaluations: demo data', () => {
  beforeEach(clearDatabase);

  it('when the demo is seeded twice, then there is one closed and one open period with varied, realistic results, created once', async () => {
    const w = await makeWorld();
    for (const [i, given] of GIVEN.entries()) await makeStaff({ fullName: `Lò Văn ${given}`, unit: i % 2 ? w.communeA : w.communeB });
    const first = await seedEvaluationsDemo(createLogger('silent'));
    expect(first).to.deep.equal({ periods: 2, evaluations: 2 * 19 });
    expect(await seedEvaluationsDemo(createLogger('silent'))).to.deep.equal({ periods: 0, evaluations: 0 });

    const closed = (await PeriodModel.findOne({ periodKey: '2026-Q2' }).lean())!;
    const open = (await PeriodModel.findOne({ periodKey: '2026-Q3' }).lean())!;
    expect(closed.status).to.equal('CLOSED');
    expect(open.status).to.equal('OPEN');
    const q2 = await EvaluationModel.find({ periodId: closed._id }).lean();
    expect(q2.every((e) => e.status === 'FINALISED')).to.equal(true);
    expect(q2.some((e) => e.breachedCount > 0)).to.equal(true);
    expect(q2.some((e) => !e.selfSubmitted)).to.equal(true); // someone never self-assessed
    expect(q2.some((e) => e.selfAssessment.submittedAt! > closed.deadline)).to.equal(true); // someone was late
    const q3 = await EvaluationModel.find({ periodId: open._id }).lean();
    const statuses = new Set(q3.map((e) => e.status));
    expect(statuses.has('NOT_STARTED')).to.equal(true);
    expect(statuses.has('SELF_ASSESSED') || statuses.has('EVALUATED')).to.equal(true);
    expect(q3.filter((e) => e.breachedCount > 0).every((e) => e.headEvaluation.ratings.filter((r) => r.level === 'NOT_DONE').every((r) => r.reason))).to.equal(true);
  });
});
