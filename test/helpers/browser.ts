import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Express } from 'express';
import { testApp } from './app.js';
import { clearDatabase } from './db.js';
import { DEFAULT_PASSWORD } from './factories.js';

// Debian's Chromium; the flags keep it off the network this machine cannot reach.
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function serve(app: Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * For a describe block: one Chromium and one test app served on a free port for the whole suite, closed after it,
 * with a clean database before each test. Read `browser` and `url` inside the tests.
 */
export function useBrowserSite(): { readonly browser: Browser; readonly url: string } {
  const state: { browser?: Browser; site?: Awaited<ReturnType<typeof serve>> } = {};
  before(async function () {
    this.timeout(60_000);
    state.browser = await launchBrowser();
    state.site = await serve(testApp());
  });
  after(async () => {
    await state.site?.close();
    await state.browser?.close();
  });
  beforeEach(clearDatabase);
  return {
    get browser() {
      return state.browser!;
    },
    get url() {
      return state.site!.url;
    },
  };
}

/** Signs in through the login form with the test password, back on the home page. */
export async function signIn(page: Page, siteUrl: string, username: string): Promise<void> {
  await page.goto(`${siteUrl}/login`);
  await page.fill('#f-username', username);
  await page.fill('#f-password', DEFAULT_PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${siteUrl}/`);
}
