// `swapi serve --cors ORIGIN` in a real browser (issue 14): a page served from another
// loopback origin (a front-end on its own port) gets a token, fetches /api/films/1/ with it
// (the browser's preflight passes), and without it reads the 401's WWW-Authenticate reason.
// A page from an origin not in --cors is refused by the browser, and even an allowed origin
// cannot read the explorer page (it may hold the default client's secret); a DNS-rebinding name
// for 127.0.0.1 gets the page with an empty token form.
//   SWAPI_BIN=build/swapi node tests/browser/cross_origin.test.mjs
import assert from 'node:assert/strict';
import { createServer } from 'node:http';

import { launchBrowser, run, startServer } from './support.mjs';

// A bare front-end page on 127.0.0.1:<free port>: its origin is all the test needs.
async function frontEnd() {
  const http = createServer((request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>front-end</title><p>a front-end on another origin</p>');
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${http.address().port}`, close: () => new Promise((resolve) => http.close(resolve)) };
}

// rebound.example stands for a DNS-rebinding attacker's name, made to resolve to 127.0.0.1.
const browser = await launchBrowser(['--host-resolver-rules=MAP rebound.example 127.0.0.1']);  // first: may skip (77)
const allowed = await frontEnd();
const other = await frontEnd();
const server = await startServer(['--cors', allowed.origin]);
const page = await browser.newPage();

// What a front-end's own script does, run inside the page at `origin`.
async function fromPage(origin, script, argument) {
  await page.goto(`${origin}/`);
  return page.evaluate(script, argument);
}

const getToken = async ({ api, secret }) => {
  const response = await fetch(`${api}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },  // not CORS-safelisted: a preflight first
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'swapi-cli', client_secret: secret,
                           scope: 'read:films' }),
  });
  return { status: response.status, token: (await response.json()).access_token };
};

const getFilm = async ({ api, token }) => {
  try {
    const response = await fetch(`${api}/api/films/1/`, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
    return { status: response.status, challenge: response.headers.get('WWW-Authenticate'), body: await response.json() };
  } catch (error) {
    return { error: String(error) };
  }
};

await run([
  ['an allowed origin gets a token and calls /api/films/1/ with it: 200 "A New Hope"', async () => {
    const { status, token } = await fromPage(allowed.origin, getToken, { api: server.url, secret: server.clientSecret() });
    assert.equal(status, 200);
    const film = await page.evaluate(getFilm, { api: server.url, token });
    assert.equal(film.status, 200);
    assert.equal(film.body.title, 'A New Hope');
    // The browser sent the preflights (JSON POST, Authorization) and they were answered.
    assert.match(server.log(), /OPTIONS \/oauth\/token 204/);
    assert.match(server.log(), /OPTIONS \/api\/films\/1\/ 204/);
  }],
  ['without a token the page reads the 401 and its WWW-Authenticate reason', async () => {
    const film = await page.evaluate(getFilm, { api: server.url, token: null });
    assert.equal(film.status, 401);
    assert.equal(film.challenge, 'Bearer realm="swapi"');
    assert.ok(film.body.detail, JSON.stringify(film.body));
  }],
  ['a bad token: the page reads the refusal, error_description included', async () => {
    const film = await page.evaluate(getFilm, { api: server.url, token: 'not.a.jwt' });
    assert.equal(film.status, 401);
    assert.match(film.challenge, /error="invalid_token", error_description="/);
  }],
  ['an allowed origin still cannot read the explorer page', async () => {
    const read = await page.evaluate(async (api) => {
      try { await fetch(`${api}/explorer/`); return 'read'; } catch (error) { return String(error); }
    }, server.url);
    assert.match(read, /TypeError/);
  }],
  ['a page under a name that resolves to 127.0.0.1 (DNS rebinding) gets the explorer with an empty form', async () => {
    const { port } = new URL(server.url);
    await page.goto(`http://rebound.example:${port}/explorer/`);
    await page.getByLabel('read:films').waitFor();  // the page works, its script ran
    const form = await page.evaluate(() => [document.getElementById('client-id').value,
                                            document.getElementById('client-secret').value]);
    assert.deepEqual(form, ['', '']);
    const html = await page.evaluate(async () => (await fetch('/explorer/')).text());
    assert.ok(!html.includes(server.clientSecret()), 'the secret is in the page fetched under that name');
  }],
  ['an origin not in --cors is refused by the browser', async () => {
    const film = await fromPage(other.origin, getFilm, { api: server.url, token: null });
    assert.match(film.error || '', /TypeError/, JSON.stringify(film));
  }],
], async () => {
  await browser.close();
  await server.stop();
  await allowed.close();
  await other.close();
});
