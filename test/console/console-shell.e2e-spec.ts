import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Browser } from 'playwright-core';
import { LedgerUnderTest } from '../support/ledger-under-test';
import { ConsoleTab, launchChromium } from './console-browser';

// The page's document, for the scripts that run in it (this file is compiled without the DOM's types).
declare const document: { activeElement: { id: string; textContent: string | null } | null };

/**
 * The console's frame (issue 9): served under /console, Chinese by default with a switch to English,
 * sign-in with a key, who you are, only what your role may do, keyboard and screen-reader basics.
 */
describe('the console: its frame, languages and sign-in, in Chromium', () => {
  let ledger: LedgerUnderTest;
  let browser: Browser;
  let tab: ConsoleTab | undefined;

  beforeAll(async () => {
    ledger = await LedgerUnderTest.start();
    browser = await launchChromium();
  });

  afterEach(async () => {
    const errors = tab?.errors ?? [];
    await tab?.close();
    tab = undefined;
    expect(errors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await ledger?.stop();
  });

  it('is served under /console with a policy that lets the page load nothing from elsewhere', async () => {
    const page = await ledger.get('/console/', { token: null });

    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="root">');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const bare = await fetch(`${ledger.url}/console`, { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([302, '/console/']);
  });

  it('opens in Chinese, and switches to English for good in this browser', async () => {
    tab = await ConsoleTab.open(browser, ledger);

    await tab.page.getByRole('heading', { name: '欢迎使用开放数据账本控制台' }).waitFor();
    expect(await tab.page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await tab.screenshot('home-zh');

    await tab.page.getByRole('button', { name: '切换到英文界面' }).click();
    await tab.page.getByRole('heading', { name: 'Welcome to the Open Data Ledger console' }).waitFor();
    expect(await tab.page.locator('html').getAttribute('lang')).toBe('en-GB');

    await tab.page.reload();
    await tab.page.getByRole('heading', { name: 'Welcome to the Open Data Ledger console' }).waitFor();
  });

  it('shows a visitor the public pages only, and a refused key in words', async () => {
    tab = await ConsoleTab.open(browser, ledger, { language: 'en' });
    const navigation = tab.page.getByRole('navigation', { name: 'Main navigation' });
    expect(await navigation.getByRole('link').allTextContents()).toEqual([
      'Home',
      'Open list',
      'Revocation notices',
    ]);

    await tab.go('#/sign-in');
    await tab.page.getByLabel('API key or JWT').fill('odl_not-a-key-this-ledger-issued');
    await tab.page.getByRole('button', { name: 'Sign in', exact: true }).last().click();

    const problem = tab.page.getByRole('alert');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('The key is not valid or has expired. Sign in again.');
    expect(tab.refusedLoads).toHaveLength(1);
    await tab.screenshot('sign-in-refused');
  });

  it('shows who is signed in and the pages of their role, no more', async () => {
    const officer = await ledger.principal('body_officer', {
      organizationId: 'console-bureau',
      name: 'Wang Fang',
    });
    const dataUser = await ledger.principal('data_user', { name: 'Li Lei' });

    tab = await ConsoleTab.open(browser, ledger, { language: 'en' });
    await tab.signIn(officer.token);
    expect(await tab.page.getByTestId('who-am-i').textContent()).toBe(
      'Signed in as Wang Fang (body officer) · Organisation: console-bureau',
    );
    const navigation = tab.page.getByRole('navigation', { name: 'Main navigation' });
    expect(await navigation.getByRole('link').allTextContents()).toEqual([
      'Home',
      'Dataset history',
      'Work queues',
      'Statistics',
      'Open list',
      'Revocation notices',
    ]);
    await tab.close();

    tab = await ConsoleTab.open(browser, ledger, { language: 'en', token: dataUser.token });
    await tab.page.getByTestId('who-am-i').waitFor();
    const itsNavigation = tab.page.getByRole('navigation', { name: 'Main navigation' });
    expect(await itsNavigation.getByRole('link').allTextContents()).not.toContain('Statistics');
    await tab.go('#/exports');
    expect(await tab.page.getByRole('alert').textContent()).toBe('Your role may not do this.');
  });

  it('is usable from the keyboard: a skip link first, labelled fields, focus on the new page', async () => {
    tab = await ConsoleTab.open(browser, ledger, { language: 'en', route: '#/sign-in' });

    await tab.page.keyboard.press('Tab');
    expect(await tab.page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    const field = tab.page.getByLabel('API key or JWT');
    expect(await field.getAttribute('aria-describedby')).toBeTruthy();

    await field.focus();
    await tab.page.keyboard.type(ledger.adminToken);
    await tab.page.keyboard.press('Enter');
    await tab.page.getByTestId('who-am-i').waitFor();
    expect(await tab.page.evaluate(() => document.activeElement?.id)).toBe('main');
  });
});

describe('the console: signing in with a JWT from the configured issuer, in Chromium', () => {
  const ISSUER = 'https://sso.example.sh.gov.cn/realms/open-data';
  let ledger: LedgerUnderTest;
  let browser: Browser;
  let tab: ConsoleTab | undefined;
  let issuerKey: Awaited<ReturnType<typeof generateKeyPair>>;

  beforeAll(async () => {
    issuerKey = await generateKeyPair('EdDSA', { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(issuerKey.publicKey)), kid: 'console-1', alg: 'EdDSA' }] };
    ledger = await LedgerUnderTest.start({
      env: { LEDGER_JWT_ISSUER: ISSUER, LEDGER_JWT_JWKS: JSON.stringify(jwks) },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await tab?.close();
    await browser?.close();
    await ledger?.stop();
  });

  it('given a supervisor’s JWT, when it is entered on the sign-in page, then the console shows the person and the supervisor’s pages', async () => {
    const token = await new SignJWT({ role: 'supervisor', name: 'Zhou Jie' })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'console-1', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience('open-data-ledger')
      .setSubject('sso-zhou-jie')
      .setExpirationTime('5m')
      .sign(issuerKey.privateKey);
    tab = await ConsoleTab.open(browser, ledger, { language: 'en' });

    await tab.signIn(token);

    expect(await tab.page.getByTestId('who-am-i').textContent()).toBe('Signed in as Zhou Jie (supervisor)');
    const navigation = tab.page.getByRole('navigation', { name: 'Main navigation' });
    expect(await navigation.getByRole('link').allTextContents()).toEqual(
      expect.arrayContaining(['Dataset history', 'Statistics', 'Audit export']),
    );
    expect(tab.errors).toEqual([]);
  });
});
