import type { Express } from 'express';
import supertest from 'supertest';
import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/shared/logger.js';
import { logSink } from './log-sink.js';
import { TEST_DB_NAME } from './database-name.js';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    SESSION_SECRET: 'test-secret-that-is-long-enough-0123456789',
    DB_NAME: TEST_DB_NAME,
    LOG_LEVEL: 'info',
    LOGIN_RATE_LIMIT_PER_15_MIN: '1000',
    ...overrides,
  });
}

export function testApp(overrides: Record<string, string> = {}, deps: Parameters<typeof createApp>[1] = {}): Express {
  return createApp(testConfig(overrides), { logger: createLogger('info', logSink), ...deps });
}

export type Agent = ReturnType<typeof supertest.agent>;

export function agentFor(app: Express): Agent {
  return supertest.agent(app);
}

/** The CSRF token of the form on a page the agent can see. */
export async function csrfFrom(agent: Agent, path: string): Promise<string> {
  const res = await agent.get(path);
  const match = /name="_csrf" value="([^"]+)"/.exec(res.text);
  if (!match) throw new Error(`no CSRF token on ${path} (status ${res.status})`);
  return match[1]!;
}

export async function login(agent: Agent, username: string, password = 'Matkhau@2026'): Promise<void> {
  const _csrf = await csrfFrom(agent, '/login');
  const res = await agent.post('/login').type('form').send({ _csrf, username, password });
  if (res.status !== 302 || res.headers.location === '/login') throw new Error(`login as ${username} failed: ${res.status}`);
}

/** POST a form with the CSRF token taken from the page that shows it. */
export async function submitForm(agent: Agent, pagePath: string, action: string, fields: Record<string, string | string[]>) {
  const _csrf = await csrfFrom(agent, pagePath);
  return agent.post(action).type('form').send({ _csrf, ...fields });
}
