import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import type { LedgerUnderTest } from '../support/ledger-under-test';

// Globals of the page, for the scripts that run in it (this file is compiled without the DOM's types).
declare const sessionStorage: Storage;
declare const localStorage: Storage;
interface Storage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH for another one. No browser is downloaded. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the tests leave a screenshot of each page at 1366×768 for a reviewer (not committed). */
export const SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'console');

const VIEWPORT = { width: 1366, height: 768 };

/**
 * Flags for a sandboxed CI machine with no network beyond loopback: without the background-networking
 * ones, Chromium keeps trying to reach Google's services and logs every refused connection.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not at ${CHROMIUM}: the console's tests drive Debian's Chromium. Install it with ` +
        '`apt-get install chromium` (.ci/run does), or set CHROMIUM_PATH to another Chromium.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export interface OpenOptions {
  /** The console's language at start: Chinese, its default, unless said. */
  language?: 'zh' | 'en';
  /** Signed in with this key before the page loads. */
  token?: string;
  /** The hash route to open: `#/datasets/<id>`. */
  route?: string;
}

/**
 * One browser tab on the console of a ledger under test. It keeps what the page reported that a
 * person would see as breakage: console errors, uncaught exceptions, Content-Security-Policy
 * refusals. A request the ledger refused (a 4xx the test provoked) Chromium also logs as
 * "Failed to load resource"; those are kept apart, as `refusedLoads`.
 */
export class ConsoleTab {
  readonly errors: string[] = [];
  readonly refusedLoads: string[] = [];

  private constructor(
    readonly page: Page,
    readonly ledger: LedgerUnderTest,
  ) {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      if (text.startsWith('Failed to load resource: the server responded with a status of 4')) {
        this.refusedLoads.push(`${text} (${message.location().url})`);
      } else {
        this.errors.push(text);
      }
    });
    page.on('pageerror', (error) => this.errors.push(`uncaught: ${error.message}`));
  }

  static async open(
    browser: Browser,
    ledger: LedgerUnderTest,
    options: OpenOptions = {},
  ): Promise<ConsoleTab> {
    const context = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN' });
    const page = await context.newPage();
    const language = options.language ?? 'zh';
    const token = options.token;
    await page.addInitScript(
      ([language, token]) => {
        if (!sessionStorage.getItem('odl.initialised')) {
          sessionStorage.setItem('odl.initialised', 'yes');
          localStorage.setItem('odl.language', language as string);
          if (token) sessionStorage.setItem('odl.token', token);
        }
      },
      [language, token ?? ''],
    );
    const tab = new ConsoleTab(page, ledger);
    await tab.go(options.route ?? '');
    return tab;
  }

  /** Opens a hash route of the console (`#/queues`) and waits until the page has settled. */
  async go(route: string): Promise<void> {
    const hash = route === '' ? '' : route.startsWith('#') ? route : `#${route}`;
    await this.page.goto(`${this.ledger.url}/console/${hash}`);
    await this.page.waitForLoadState('networkidle');
  }

  async signIn(token: string): Promise<void> {
    await this.go('#/sign-in');
    await this.page.getByLabel(/API 密钥或 JWT|API key or JWT/).fill(token);
    await this.page
      .getByRole('button', { name: /^(登录|Sign in)$/ })
      .last()
      .click();
    await this.page.getByTestId('who-am-i').waitFor();
  }

  /** A screenshot of the page as it is now, test-output/console/<name>.png, for a reviewer to look at. */
  async screenshot(name: string): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await this.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}
