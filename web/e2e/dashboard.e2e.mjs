/* eslint-disable no-console -- a test runner script: the console is its report */
/* global document, window -- used inside page.waitForFunction and page.evaluate callbacks, which run in the browser */
// The dashboard in a real Chromium against the real server (embedded MongoDB + Redis):
// sign up, create an agent, a fast simulated phone and a campaign, import 30 contacts,
// start, pause, resume, and watch the counters reach 100% without a reload. Any console
// error in the page fails the run. Screenshots go to test-artifacts/ (git-ignored).
//
// Usage (from the repository root):  npm run test:e2e -w web
//   E2E_BUILD=1        rebuild web and server first (default: only when a dist is missing)
//   E2E_SERVER_URL=…   use a server that is already running instead of starting one
//
// Skipped, with the reason printed, only when /usr/bin/chromium is absent.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, createWriteStream, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const CONTACTS = 30;
const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rootDir = path.resolve(webDir, '..');
const artifacts = path.join(rootDir, 'test-artifacts');

if (!existsSync(CHROMIUM)) {
  console.log(`dashboard e2e SKIPPED: ${CHROMIUM} is absent (install it with: apt-get install -y chromium)`);
  process.exit(0);
}

const { chromium } = await import('playwright-core');
mkdirSync(artifacts, { recursive: true });
rmSync(path.join(artifacts, 'e2e-failure.png'), { force: true });

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function build() {
  const needed =
    process.env.E2E_BUILD === '1' ||
    !existsSync(path.join(rootDir, 'server/dist/main.js')) ||
    !existsSync(path.join(webDir, 'dist/index.html'));
  if (!needed) return;
  console.log('e2e: building web and server (npm run build)…');
  const result = spawnSync('npm', ['run', 'build'], { cwd: rootDir, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

/** Starts `node server/dist/main.js` on a free port; resolves once /healthz answers. */
async function startServer() {
  const port = await freePort();
  const log = createWriteStream(path.join(artifacts, 'e2e-server.log'));
  const child = spawn(process.execPath, ['server/dist/main.js'], {
    cwd: rootDir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DEMO_DATA: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 90_000;
  // Readiness is an HTTP answer; the server has no other start signal for a child process.
  while (Date.now() < deadline) {
    const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 250))]);
    if (early)
      throw new Error(`the server exited during start (${JSON.stringify(early)}); see test-artifacts/e2e-server.log`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
  }
  if (Date.now() >= deadline) throw new Error('the server did not answer /healthz within 90 s');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  return { url, stop };
}

const csv = [
  'phone,name,email,priority,segment',
  ...Array.from(
    { length: CONTACTS },
    (_, i) =>
      `+1415555${String(1000 + i)},Contact ${i + 1},c${i + 1}@example.com,${i % 5},${i % 2 ? 'gold' : 'silver'}`,
  ),
].join('\n');

async function counter(page, key) {
  const text = await page.getByTestId(`counter-${key}`).locator('dd').textContent();
  return Number((text ?? '').replace(/,/g, ''));
}

async function progress(page) {
  return Number(await page.getByRole('progressbar', { name: /E2E wave progress/ }).getAttribute('aria-valuenow'));
}

async function run() {
  build();
  const server = process.env.E2E_SERVER_URL
    ? { url: process.env.E2E_SERVER_URL, stop: async () => {} }
    : await startServer();
  console.log(`e2e: server at ${server.url}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const consoleErrors = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    /** A full-page screenshot from the top: a sticky header would otherwise be drawn mid-page. */
    const shot = async (name) => {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(artifacts, name), fullPage: true });
    };
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`console.error: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
    const step = (name) => console.log(`e2e: ${name}`);

    step('sign up');
    await page.goto(`${server.url}/campaigns`);
    await page.waitForURL('**/sign-in');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Organization').fill('Acme Outbound');
    await page.getByLabel('Email').fill(`ops+${Date.now()}@acme.test`);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/campaigns');
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();

    step('create an agent');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents' }).click();
    // Both pages have a "Name" field: wait for this one before filling it, or the fill can land
    // on the page being left (seen in a CI run as an empty phone name).
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    await page.getByLabel('Name').fill('Ava, renewals agent');
    await page.getByLabel('Description').fill('Friendly reminder calls for plan renewals');
    // A SIMULATED agent whose script uses the contact's name and the CSV's "segment" column.
    await page.getByLabel('Kind').selectOption('SIMULATED');
    await page.getByLabel(/^Variables/).fill('name, segment');
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.getByRole('button', { name: 'Edit Ava, renewals agent' }).waitFor();

    step('create a fast simulated phone');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Phones' }).click();
    await page.getByRole('heading', { name: 'Phones', level: 1 }).waitFor();
    await page.getByLabel('Name').fill('Fast test line');
    await page.getByLabel('Number', { exact: true }).fill('+14155550100');
    await page.getByLabel('Provider').selectOption('SIMULATED');
    await page.getByLabel('Busy %').fill('10');
    await page.getByLabel('No answer %').fill('0');
    await page.getByLabel('Failed %').fill('0');
    await page.getByLabel('Voicemail %').fill('10');
    await page.getByLabel('Shortest call (ms)').fill('200');
    await page.getByLabel('Longest call (ms)').fill('600');
    await page.getByRole('button', { name: 'Add phone' }).click();
    await page.getByRole('button', { name: 'Edit Fast test line' }).waitFor();
    await shot('phones.png');

    step('create a campaign (2 concurrent calls, no retries)');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByText('Name the campaign.').waitFor();
    await shot('campaign-form.png');
    await page.getByLabel('Name', { exact: true }).fill('E2E wave');
    await page.getByLabel('Voice agent').selectOption({ label: 'Ava, renewals agent' });
    await page.getByLabel('Caller phone').selectOption({ label: 'Fast test line · +14155550100 (Simulated)' });
    await page.getByLabel('Concurrent calls').fill('2');
    await page.getByLabel(/Retry calls that fail/).uncheck();
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.waitForURL('**/import');

    step(`import ${CONTACTS} contacts from pasted CSV`);
    await page.getByLabel('Or paste CSV').fill(csv);
    await page.getByRole('table', { name: 'First rows' }).waitFor();
    await page.getByRole('button', { name: `Import ${CONTACTS} contacts` }).click();
    await page.getByRole('heading', { name: 'Import report' }).waitFor({ timeout: 30_000 });
    await shot('import-report.png');
    const accepted = await page.locator('.counter', { hasText: 'Accepted' }).locator('dd').textContent();
    if (accepted !== String(CONTACTS))
      throw new Error(`expected ${CONTACTS} accepted contacts, the report says ${accepted}`);
    await page.getByRole('link', { name: 'Go to the campaign' }).click();
    await page.getByRole('heading', { name: 'Outcomes' }).waitFor();
    if ((await counter(page, 'queued')) !== CONTACTS) throw new Error(`expected ${CONTACTS} queued before start`);

    step('start, then pause before the end');
    const startedAt = Date.now();
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'Pause' }).and(page.locator(':enabled')).waitFor();
    // Pause once some calls are done, well before the end.
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="counter-completed"] dd')?.textContent ?? '0') >= 2,
      null,
      { timeout: 30_000 },
    );
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('.title-row .badge', { hasText: 'Paused' }).waitFor();
    const atPause = await progress(page);
    if (atPause >= 100) throw new Error('the campaign finished before it could be paused');
    // Calls already on the line finish; nothing new starts.
    await page.waitForFunction(
      () => document.querySelector('[data-testid="counter-active"] dd')?.textContent === '0',
      null,
      { timeout: 15_000 },
    );
    const pausedAttempts = await counter(page, 'attempts');
    await page.waitForTimeout(1_500);
    if ((await counter(page, 'attempts')) !== pausedAttempts)
      throw new Error('calls were placed while the campaign was paused');
    console.log(`e2e: paused at ${atPause}% after ${pausedAttempts} calls; nothing dialled while paused`);

    step('resume and watch it reach 100% live');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page
      .getByRole('progressbar', { name: /E2E wave progress/ })
      .and(page.locator('[aria-valuenow="100"]'))
      .waitFor({ timeout: 90_000 });
    await page.locator('.title-row .badge', { hasText: 'Completed' }).waitFor({ timeout: 30_000 });
    const final = {
      completed: await counter(page, 'completed'),
      failed: await counter(page, 'failed'),
      voicemail: await counter(page, 'voicemail'),
      skipped: await counter(page, 'skipped'),
      attempts: await counter(page, 'attempts'),
    };
    const finished = final.completed + final.failed + final.voicemail + final.skipped;
    if (finished !== CONTACTS)
      throw new Error(`final counters add up to ${finished}, not ${CONTACTS}: ${JSON.stringify(final)}`);
    console.log(
      `e2e: 100% in ${((Date.now() - startedAt) / 1000).toFixed(1)} s without a reload: ${JSON.stringify(final)}`,
    );
    await page.getByRole('button', { name: 'Retry failed' }).and(page.locator(':enabled')).waitFor();
    // The dispositions breakdown filled itself from the live call events, without a reload.
    await page.getByRole('list', { name: 'Dispositions' }).waitFor();
    await page.waitForTimeout(500); // let the last feed items settle for the picture
    await shot('campaign-detail.png');

    step('calls and contacts tabs');
    await page.getByRole('link', { name: 'Calls', exact: true }).click();
    await page.getByRole('heading', { name: /^Calls/ }).waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    await file.saveAs(path.join(artifacts, 'calls-export.csv'));
    await shot('campaign-calls.png');

    step('open an answered call: its transcript, variables and recording');
    const answeredRow = page.locator('tbody tr', { has: page.locator('.badge', { hasText: /^Completed$/ }) }).first();
    await answeredRow.getByRole('link', { name: /^Call details/ }).click();
    await page.getByRole('heading', { name: 'Transcript' }).waitFor();
    const firstLine = await page.locator('.turn-text').first().textContent();
    if (!/^Hi Contact \d+, this is Ava, renewals agent from Dialwave/.test(firstLine ?? ''))
      throw new Error(`the agent's first line does not use the contact's name: ${firstLine}`);
    const said = await page.locator('.transcript').textContent();
    if (!/your segment is (gold|silver)/.test(said ?? ''))
      throw new Error(`the transcript does not use the segment variable: ${said}`);
    await page
      .getByRole('table', { name: 'Variables sent' })
      .getByRole('cell', { name: /^(gold|silver)$/ })
      .waitFor();
    await page.getByTestId('call-disposition').and(page.locator(':not(:text-is("—"))')).waitFor();
    // Play the recording for real: the browser fetches the simulator's WAV, decodes and plays it.
    const playback = await page.evaluate(async () => {
      const audio = document.querySelector('audio');
      if (!audio) return { error: 'no audio element' };
      audio.muted = true;
      await audio.play();
      const deadline = Date.now() + 5_000;
      while (audio.currentTime === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return { currentTime: audio.currentTime, duration: audio.duration, error: audio.error?.message ?? null };
    });
    if (!(playback.currentTime > 0 && playback.duration > 0))
      throw new Error(`the recording did not play: ${JSON.stringify(playback)}`);
    console.log(`e2e: recording played (${playback.duration.toFixed(1)} s long)`);
    await shot('call-detail.png');
    await page.goBack();
    await page.getByRole('heading', { name: /^Calls/ }).waitFor();
    await page.getByRole('link', { name: 'Contacts', exact: true }).click();
    await page
      .getByRole('button', { name: /Call .* now/ })
      .first()
      .waitFor();
    await shot('campaign-contacts.png');

    step('campaigns list');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('link', { name: 'E2E wave' }).waitFor();
    await shot('campaigns-list.png');

    step('phone-sized layout');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('campaigns-list-phone.png');
    await page.getByRole('link', { name: 'E2E wave' }).click();
    await page.getByRole('heading', { name: 'Outcomes' }).waitFor();
    await shot('campaign-detail-phone.png');
    await page.setViewportSize({ width: 1366, height: 900 });

    step('GraphiQL, bundled');
    await page.goto(`${server.url}/graphiql`);
    await page.locator('.graphiql-container').waitFor({ timeout: 30_000 });
    // The editor is ready a moment after it renders (Monaco, schema fetch): a click before that
    // runs nothing, so click until the response pane shows our campaign.
    let answered = false;
    for (let attempt = 0; attempt < 10 && !answered; attempt += 1) {
      await page.getByRole('button', { name: /Execute query/i }).click();
      answered = await page
        .waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('E2E'), null, {
          timeout: 2_000,
        })
        .then(() => true)
        .catch(() => false);
    }
    if (!answered) throw new Error('GraphiQL did not show the query result');
    await page.screenshot({ path: path.join(artifacts, 'graphiql.png') });

    step('sign out');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
    await context.close();
  } catch (error) {
    if (consoleErrors.length > 0)
      console.error(`e2e: the page logged errors before the failure:\n${consoleErrors.join('\n')}`);
    const pages = browser.contexts().flatMap((context) => context.pages());
    if (pages[0])
      await pages[0].screenshot({ path: path.join(artifacts, 'e2e-failure.png'), fullPage: true }).catch(() => {});
    throw error;
  } finally {
    await browser.close();
    await server.stop();
  }
  if (consoleErrors.length > 0) throw new Error(`the page logged errors:\n${consoleErrors.join('\n')}`);
}

try {
  await run();
  console.log(`dashboard e2e PASSED (screenshots in ${path.relative(process.cwd(), artifacts) || '.'})`);
} catch (error) {
  console.error(`dashboard e2e FAILED: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
}
