import { expect } from 'chai';
import { clearDatabase } from '../helpers/db.js';
import { readRevision, replaceRevision } from '../../src/shared/kept-in-memory.js';

describe('revisions of what processes keep in memory', () => {
  beforeEach(clearDatabase);

  it('when many writers replace a revision that does not exist yet at once, then every write succeeds and the revision is set', async () => {
    expect(await readRevision('race')).to.equal(null);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => replaceRevision('race')));
    expect(results.filter((r) => r.status === 'rejected')).to.deep.equal([]);
    expect(await readRevision('race')).to.be.a('string');
  });

  it('when a revision is replaced, then it reads as a value never seen before', async () => {
    await replaceRevision('changes');
    const first = await readRevision('changes');
    await replaceRevision('changes');
    expect(await readRevision('changes')).to.be.a('string').and.not.equal(first);
  });
});
