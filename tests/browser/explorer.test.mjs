// The explorer in a real browser (issue 14): Debian's chromium driven by playwright-core.
// Opens / as a browser does (redirected to /explorer/), asks for a token through the form,
// calls /api/films/1/ without it (401, the reason in words), with it (200, "A New Hope") and
// with a token lacking read:films (403), saves a screenshot (of the 200) as a test artifact,
// checks the page breaks no CSP rule, keeps the token out of storage and URLs, fits 360 px,
// and in the loopback flavor sends a write with a JSON body.
//   SWAPI_BIN=build/swapi node tests/browser/explorer.test.mjs
//   SWAPI_ARTIFACTS=DIR   where the screenshot goes (default: the current directory)
//   SWAPI_UPDATE_SCREENSHOT=1  also writes tests/browser/explorer.png (the README's picture)
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchBrowser, run, startServer } from './support.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = process.env.SWAPI_ARTIFACTS || process.cwd();

const browser = await launchBrowser();  // first: skips (exit 77) when a tool is missing
const server = await startServer();
let loopback = null;  // the loopback flavor's server, for the write
const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
const page = await context.newPage();
const problems = [];  // console errors (a CSP violation is one), uncaught exceptions
// Chromium logs every 4xx answer ("Failed to load resource: ... 401"): those are the test's own.
page.on('console', (message) => {
  if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
});
page.on('pageerror', (error) => problems.push(String(error)));

const text = (id) => page.locator(`#${id}`).innerText();

async function waitForText(id, needle) {
  await page.waitForFunction(([element, wanted]) => {
    const node = document.getElementById(element);
    return node && node.textContent.includes(wanted);
  }, [id, needle], { timeout: 10000 });
  return text(id);
}

async function tickOnly(scope) {
  for (const box of await page.locator('#scope-list input[type=checkbox]').all()) {
    if ((await box.getAttribute('value')) === scope) await box.check();
    else await box.uncheck();
  }
}

async function send() {
  await page.locator('#response-status').evaluate((node) => { node.textContent = ''; });
  await page.getByRole('button', { name: 'Send' }).click();
  await page.waitForFunction(() => / answered | failed/.test(document.getElementById('response-status').textContent));
}

await run([
  ['a browser asking for / lands on /explorer/, the routes from /openapi.json', async () => {
    const response = await page.goto(`${server.url}/`);
    assert.equal(response.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/explorer/');
    assert.equal(await page.title(), 'swapi explorer');
    await waitForText('api-info', 'swapi flavor');
    assert.equal(await page.$eval('#route', (select) => select.options[select.selectedIndex].textContent),
      'GET /api/films/{id}/');
    assert.ok((await page.locator('#routes summary').allInnerTexts()).includes('films (3 routes)'));
  }],
  ['the token form holds the default client (the page came from this machine)', async () => {
    assert.equal(await page.getByLabel('Client ID').inputValue(), 'swapi-cli');
    assert.equal(await page.getByLabel('Client secret').inputValue(), server.clientSecret());
    assert.equal(await page.getByLabel('Client secret').getAttribute('type'), 'password');
    await page.getByLabel('read:films').waitFor();
  }],
  ['without a token /api/films/1/ is 401 and the reason is shown in words', async () => {
    await send();
    assert.match(await text('response-status'), /^GET \/api\/films\/1\/ answered 401 Unauthorized \(there is no token yet/);
    assert.equal(await text('response-reason'),
      'Why: no token was sent. This route needs a Bearer token: get one in step 1 and tick “Send the token”.');
    assert.match(await text('response-body'), /"detail": /);
  }],
  ['a token through the form, decoded, with its expiry counting down', async () => {
    await tickOnly('read:films');
    await page.getByRole('button', { name: 'Get a token' }).click();
    assert.equal(await waitForText('token-status', 'Got a token'), 'Got a token for swapi-cli with scope: read:films.');
    const claims = JSON.parse(await text('token-claims'));
    assert.equal(claims.scope, 'read:films');
    assert.equal(claims.aud, 'https://starwarsapi.com');
    assert.equal(JSON.parse(await text('token-header')).alg, 'RS256');
    const first = await text('token-expiry');
    assert.match(first, /^Expires in (1 d|23 h 59 min \d+ s) \(exp \d+, 20\d\d-/);
    await page.waitForFunction((before) => document.getElementById('token-expiry').textContent !== before, first);
    assert.equal((await page.getByLabel('Encoded').inputValue()).split('.').length, 3);
  }],
  ['with the token /api/films/1/ is 200 "A New Hope", pretty-printed', async () => {
    await send();
    assert.equal(await text('response-status'), 'GET /api/films/1/ answered 200 OK.');
    assert.equal(await text('response-reason'), '');
    const body = await text('response-body');
    assert.match(body, /\n {2}"title": "A New Hope",\n/);
  }],
  ['a screenshot, kept as a test artifact', async () => {
    mkdirSync(artifacts, { recursive: true });
    const file = join(artifacts, 'explorer.png');
    await page.screenshot({ path: file, fullPage: true });
    console.log(`  screenshot: ${file}`);
    if (process.env.SWAPI_UPDATE_SCREENSHOT === '1') copyFileSync(file, join(here, 'explorer.png'));
  }],
  ['a token lacking read:films is 403 and the missing scope is named (sent from the keyboard)', async () => {
    await tickOnly('read:people');
    await page.getByRole('button', { name: 'Get a token' }).click();
    await waitForText('token-status', 'with scope: read:people.');
    await page.locator('#response-status').evaluate((node) => { node.textContent = ''; });
    await page.locator('#send').focus();
    await page.keyboard.press('Enter');
    await waitForText('response-status', 'answered');
    assert.equal(await text('response-status'), 'GET /api/films/1/ answered 403 Forbidden.');
    assert.match(await text('response-reason'),
      /^Why: the token is valid but lacks the scope this route needs: read:films\./);
  }],
  ['the token is in memory only: no storage, no cookie, no secret in the URL', async () => {
    const kept = await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie]);
    assert.deepEqual(kept, [0, 0, '']);
    assert.equal(new URL(page.url()).search, '');
    assert.equal(new URL(page.url()).hash, '');
  }],
  ['at 360 px nothing is wider than the screen, a long URL and every route list open included', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    // A filter is one long word once URL-encoded: the status line repeats it.
    await page.getByLabel('More query string (optional)').fill(`filter={"where":{"title":{"like":"${'x'.repeat(200)}"}}}`);
    await send();
    await page.getByLabel('More query string (optional)').fill('');
    await page.evaluate(() => document.querySelectorAll('details').forEach((details) => { details.open = true; }));
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(widths[0] <= widths[1], `the page is ${widths[0]} px wide in a ${widths[1]} px window`);
    await page.screenshot({ path: join(artifacts, 'explorer-360.png'), fullPage: true });
  }],
  ['the loopback flavor: a write with a JSON body from the body box', async () => {
    loopback = await startServer(['--flavor', 'loopback']);
    await page.setViewportSize({ width: 1000, height: 900 });
    await page.goto(`${loopback.url}/explorer/`);
    await waitForText('api-info', 'loopback flavor');
    await page.getByLabel('write:films').check();
    await page.getByRole('button', { name: 'Get a token' }).click();
    await waitForText('token-status', 'with scope: write:films.');
    assert.equal(await page.locator('#body-field').isHidden(), true);  // GET /api/films/{id}: no body
    await page.selectOption('#route', { label: 'POST /api/films' });
    await page.getByLabel('Request body (JSON)').fill('{"title": "The Explorer Strikes Back"}');
    await send();
    assert.equal(await text('response-status'), 'POST /api/films answered 200 OK.');
    assert.equal(JSON.parse(await text('response-body')).title, 'The Explorer Strikes Back');
  }],
  ['no console error: nothing broke the Content-Security-Policy', async () => {
    assert.deepEqual(problems, []);
  }],
], async () => {
  await browser.close();
  await server.stop();
  if (loopback) await loopback.stop();
});
