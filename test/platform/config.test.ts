import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../src/config.js';

describe('configuration', () => {
  it('when nothing is set, then safe defaults apply and the config is frozen', () => {
    const c = loadConfig({});
    expect(c.PORT).to.equal(3000);
    expect(c.MONGODB_URI).to.equal(undefined);
    expect(c.cookieSecure).to.equal(false);
    expect(Object.isFrozen(c)).to.equal(true);
  });

  it('when a value is bad, then start-up stops with one line naming the variable', () => {
    expect(() => loadConfig({ PORT: 'abc' })).to.throw(ConfigError, /^Invalid configuration: PORT/);
    expect(() => loadConfig({ MONGODB_URI: 'postgres://x' })).to.throw(ConfigError, /MONGODB_URI must start with mongodb/);
    expect(() => loadConfig({ SESSION_SECRET: 'short' })).to.throw(ConfigError, /SESSION_SECRET/);
  });

  it('when running in production without a session secret or the public address, then start-up stops', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).to.throw(ConfigError, /SESSION_SECRET is required/);
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) })).to.throw(ConfigError, /PUBLIC_BASE_URL is required/);
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'javascript:alert(1)' })).to.throw(ConfigError, /^Invalid configuration: PUBLIC_BASE_URL/);
    const prod = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), PUBLIC_BASE_URL: 'https://congboc.dienbien.gov.vn/', TWO_FACTOR_KEY: 'k'.repeat(40), IDENTITY_KEY: 'i'.repeat(40) });
    expect(prod.cookieSecure).to.equal(true);
    expect(prod.PUBLIC_BASE_URL).to.equal('https://congboc.dienbien.gov.vn');
  });
});
