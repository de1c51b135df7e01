import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { hashPassword, verifyPassword } from '../../src/auth/passwords.js';
import { projectRoot } from '../../src/shared/paths.js';

// The suite hashes at a lowered cost (test/helpers/global.ts); the app, in a process of its own, at the standard one.
describe('password hashes', () => {
  it('when the app hashes a password outside the test suite, then it is argon2id at 64 MiB, 3 passes and 4 lanes, and a check in the suite accepts it and refuses a wrong password', async function () {
    this.timeout(60_000);
    const script = "const { hashPassword } = await import('./src/auth/passwords.ts'); process.stdout.write(await hashPassword('Mật khẩu@2026'));";
    const { stdout: hash } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectRoot });
    const params = Object.fromEntries(/^\$argon2id\$v=19\$([^$]+)\$/.exec(hash)![1]!.split(',').map((p) => p.split('=')));
    expect(params).to.deep.equal({ m: '65536', t: '3', p: '4' });
    expect(await verifyPassword(hash, 'Mật khẩu@2026')).to.equal(true);
    expect(await verifyPassword(hash, 'Mật khẩu@2025')).to.equal(false);
  });

  it('when the suite hashes a password, then it is still argon2id with a salt of its own', async () => {
    const [a, b] = [await hashPassword('same'), await hashPassword('same')];
    expect(a).to.match(/^\$argon2id\$/);
    expect(a).to.not.equal(b);
  });
});
