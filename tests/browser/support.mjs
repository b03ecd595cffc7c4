// Shared by the browser tests: find the tools (or skip with exit 77, which ctest reports as
// skipped), start `swapi serve --port 0` in a fresh SWAPI_HOME, launch Debian's chromium
// through playwright-core (never a browser download), and report in node's own words.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SKIP = 77;

function skip(why, hint) {
  console.log(`SKIPPED: ${why}`);
  console.log(`  hint: ${hint}`);
  process.exit(SKIP);
}

// playwright-core from tests/browser/node_modules (scripts/setup runs `npm ci` there).
export async function playwright() {
  try {
    return await import('playwright-core');
  } catch {
    return skip('playwright-core is not installed in tests/browser/node_modules',
      'run scripts/setup with SWAPI_SETUP_BROWSER=1 (make test does), or `npm ci --prefix tests/browser`');
  }
}

// $SWAPI_CHROMIUM when set (only that one), else Debian's and Ubuntu's paths.
export function chromiumPath() {
  const candidates = process.env.SWAPI_CHROMIUM ? [process.env.SWAPI_CHROMIUM]
                                                : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((path) => existsSync(path));
  return found || skip(`no Chromium at ${candidates.join(' or ')}`,
    'install Debian\'s chromium package (scripts/setup with SWAPI_SETUP_BROWSER=1 does), or set SWAPI_CHROMIUM');
}

// `extraArgs`: more Chromium switches, e.g. --host-resolver-rules to give a name an address.
export async function launchBrowser(extraArgs = []) {
  const { chromium } = await playwright();
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // No background traffic: this machine has no network beyond loopback, and a test must not
    // wait on Chromium's own lookups.
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

export function swapiBinary() {
  const binary = process.env.SWAPI_BIN;
  if (!binary || !existsSync(binary)) {
    console.error(`SWAPI_BIN must name the built swapi binary (got ${binary || 'nothing'})`);
    process.exit(2);
  }
  return binary;
}

async function poll(condition, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// `swapi serve --port 0 --ready-file F ARGS` in a fresh SWAPI_HOME; resolves once F names
// the URL. stop() ends it and removes the home.
export async function startServer(args = []) {
  const home = mkdtempSync(join(tmpdir(), 'swapi-browser-'));
  const ready = join(home, 'ready');
  let log = '';
  const child = spawn(swapiBinary(), ['serve', '--port', '0', '--ready-file', ready, ...args],
    { env: { ...process.env, SWAPI_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.on('data', (chunk) => { log += chunk; });
  let exited = null;
  child.on('exit', (code) => { exited = code; });
  try {
    await poll(() => exited !== null || (existsSync(ready) && readFileSync(ready, 'utf8').endsWith('\n')), 'swapi serve to start');
    if (exited !== null) throw new Error(`swapi serve exited with ${exited}: ${log}`);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
  const url = readFileSync(ready, 'utf8').trim();
  return {
    url,
    home,
    log: () => log,
    clientSecret() {
      const clients = JSON.parse(readFileSync(join(home, 'clients.json'), 'utf8')).clients;
      return clients.find((client) => client.client_id === 'swapi-cli').client_secret;
    },
    async stop() {
      if (exited === null) {
        child.kill('SIGTERM');
        await poll(() => exited !== null, 'swapi serve to stop').catch(() => child.kill('SIGKILL'));
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

// Runs named steps in order, printing each; exits 1 on the first failure. The last line is
// node-test-like ("N passed, N failed") so CI logs read the same as ctest's.
export async function run(steps, cleanup) {
  let passed = 0;
  let failed = 0;
  for (const [name, step] of steps) {
    try {
      await step();
      passed += 1;
      console.log(`ok - ${name}`);
    } catch (error) {
      failed += 1;
      console.log(`not ok - ${name}\n  ${String(error && error.stack || error).replace(/\n/g, '\n  ')}`);
      break;
    }
  }
  await cleanup();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
