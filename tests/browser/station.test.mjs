// The review station in a real headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core): a reviewer logs in, splits a document, resolves
// one with the keyboard alone, and moves a misfile; each result is checked in
// the store and in the audit log through the chartroom executable.
// Screenshots go to build/browser-screenshots/ for a person to look at.
// Run by ctest (tests/CMakeLists.txt) after scripts/test.sh installed
// Chromium and `npm ci` here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const build = process.env.CHARTROOM_BUILD;
assert.ok(build, 'CHARTROOM_BUILD must name the build folder (ctest sets it)');
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  throw new Error('playwright-core is not installed: run `npm ci` in tests/browser (scripts/test.sh does)');
}
const chartroom = join(build, 'app', 'chartroom');
const testpages = join(build, 'tests', 'gen', 'chartroom-testpages');
const shots = join(build, 'browser-screenshots');
const root = mkdtempSync(join(tmpdir(), 'chartroom-browser-'));
const store = join(root, 'store');
const password = 'rita-reviews-all-day';
let server;
let browser;
let page;
let base;

function cr(args, input) {
  return execFileSync(chartroom, [...args, '--store', store], { input, encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'] });
}
const json = (args) => JSON.parse(cr([...args, '--json']));
const documents = () => json(['documents']);
const docById = (id) => documents().find((d) => d.id === id);

function roster() {
  const lines = readFileSync(join(root, 'gen', 'roster.csv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => { const [mrn, family, given, birth] = l.split(','); return { mrn, family, given, birth }; });
}

before(async () => {
  execFileSync(testpages, ['--out', join(root, 'gen'), '--documents', '4', '--seed', '11']);
  cr(['patients', 'import', '--create', join(root, 'gen', 'roster.csv')]);
  cr(['ingest', join(root, 'gen', 'batch'), '--workers', '2']);
  cr(['users', 'add', execFileSync('id', ['-un'], { encoding: 'utf8' }).trim(), '--role', 'admin'], 'admin-password-1\n');
  cr(['users', 'add', 'rita', '--role', 'reviewer'], password + '\n');
  server = spawn(chartroom, ['review', 'serve', '--store', store, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  base = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/at (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error('review serve ended with ' + code + ': ' + out)));
    setTimeout(() => reject(new Error('review serve did not start: ' + out)), 20000);
  });
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  page.on('pageerror', (e) => { throw e; });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
});

const current = () => page.evaluate(() => window.chartroomState && window.chartroomState());
async function waitForDocument(id) {
  await page.waitForFunction((want) => {
    const s = window.chartroomState && window.chartroomState();
    return s && s.doc === want && !s.busy;
  }, id);
  await page.waitForFunction(() => document.getElementById('page-img').complete);
}
// The queue's first document on screen, loaded (the list is drawn before the document arrives).
async function waitForQueueDocument() {
  await page.waitForFunction(() => {
    const s = window.chartroomState && window.chartroomState();
    return s && s.index === 0 && !s.busy && s.doc;
  });
  const s = await current();
  await waitForDocument(s.doc);
  return s;
}
async function waitDialogClosed() {
  await page.waitForFunction(() => !document.getElementById('dialog').open);
}
function auditBy(user, action) {
  return json(['audit', 'export']).filter((row) => row.actor === user && row.action === action);
}

test('a reviewer logs in and sees the queue', async () => {
  await page.goto(base + '/');
  await page.waitForSelector('#login-user:focus');
  await page.keyboard.type('rita');
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  const s = await waitForQueueDocument();
  assert.ok(s.doc, 'a document is on screen after login');
  await page.screenshot({ path: join(shots, '1-queue.png') });
  const title = await page.title();
  assert.equal(title, 'chartroom review', 'no patient data in the title');
  assert.equal(page.url(), base + '/', 'no patient data in the URL');
});

test('split a document at a page with the keyboard', async () => {
  const s = await current();
  const before = docById(s.doc);
  assert.ok(before.pages >= 2, 'the first document in review has two pages: ' + JSON.stringify(before));
  await page.keyboard.press('n');
  await page.waitForFunction(() => window.chartroomState().page === 2);
  await page.keyboard.press('s');
  await page.waitForSelector('#dialog[open]');
  await page.keyboard.press('Enter');
  await waitDialogClosed();
  await waitForDocument(s.doc);
  assert.equal(docById(s.doc).pages, 1, 'page 1 stays');
  const split = documents().filter((d) => d.state === 'review' && d.review_kinds.includes('split') && d.id !== s.doc);
  assert.equal(split.length, 1, 'the pages split off are a new document in review');
  assert.equal(split[0].pages, before.pages - 1);
  assert.equal(auditBy('rita', 'review split').length, 1);
});

test('resolve a document with the keyboard alone', async () => {
  const s = await current();
  const id = s.doc;
  const patient = roster()[0];
  await page.keyboard.press('/');
  await page.waitForSelector('#dialog[open] input:focus');
  await page.keyboard.type(patient.family);
  await page.waitForSelector('#dialog-body li.current');
  await page.screenshot({ path: join(shots, '2-patient-search.png') });
  await page.keyboard.press('Enter');
  await page.waitForSelector('#dialog-reason:focus');
  await page.keyboard.type('name and date of birth on page 1 agree');
  await page.keyboard.press('Enter');
  await waitDialogClosed();
  await page.waitForFunction((old) => window.chartroomState().doc !== old, id);
  const filed = docById(id);
  assert.equal(filed.state, 'filed');
  assert.equal(filed.patient.mrn, patient.mrn);
  assert.equal(filed.decided_by, 'rita');
  const rows = auditBy('rita', 'review resolve');
  assert.equal(rows.length, 1);
  assert.match(rows[0].reason, /name and date of birth/);
  await waitForDocument((await current()).doc);
  await page.screenshot({ path: join(shots, '3-after-decision.png') });
});

test('find a misfiled document and move it to its patient', async () => {
  const filed = documents().find((d) => d.state === 'filed' && d.decided_by === null);
  assert.ok(filed, 'a document chartroom filed by itself');
  const target = roster().find((p) => p.mrn !== filed.patient.mrn);
  await page.keyboard.press('f');
  await page.waitForSelector('#dialog[open] input:focus');
  await page.keyboard.type(filed.id.slice(0, 8));
  await page.keyboard.press('Enter');
  await page.waitForSelector('#dialog-body li.current');
  await page.keyboard.press('Enter');
  await waitDialogClosed();
  await waitForDocument(filed.id);
  await page.screenshot({ path: join(shots, '4-filed-document-evidence.png') });
  await page.keyboard.press('v');
  await page.waitForSelector('#dialog[open] input:focus');
  await page.keyboard.type(target.mrn);
  await page.waitForSelector('#dialog-body li.current');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#dialog-reason:focus');
  await page.keyboard.type('misfiled: the date of birth is the other patient');
  await page.keyboard.press('Enter');
  await waitDialogClosed();
  await waitForDocument(filed.id);
  const moved = docById(filed.id);
  assert.equal(moved.patient.mrn, target.mrn);
  const shown = json(['show', filed.id]);
  assert.ok(shown.history.some((h) => h.action === 'move' && h.from_mrn === filed.patient.mrn &&
                                      h.to_mrn === target.mrn && h.by === 'rita'), JSON.stringify(shown.history));
  assert.equal(auditBy('rita', 'move').length, 1);
  await page.screenshot({ path: join(shots, '5-after-move.png') });
  cr(['audit', 'verify']);
});

test('rotate a page and reject a document', async () => {
  await page.keyboard.press('q');  // back to the queue, its first document on screen
  const s = await waitForQueueDocument();
  const revision = docById(s.doc).revision;
  await page.keyboard.press('r');
  await page.waitForFunction((r) => window.chartroomState().revision > r, revision);
  assert.equal(docById(s.doc).revision, revision + 1, 'the page was turned in a new revision of the PDF');
  await waitForDocument(s.doc);
  await page.keyboard.press('x');
  await page.waitForSelector('#dialog-reason:focus');
  await page.keyboard.press('2');
  assert.equal(await page.inputValue('#dialog-reason'), 'rescan requested');
  await page.keyboard.press('Enter');
  await waitDialogClosed();
  assert.equal(docById(s.doc).state, 'rejected');
  const rejected = json(['review', 'list', '--state', 'rejected']);
  assert.ok(rejected.some((d) => d.id === s.doc), 'listed for the scanning room');
  assert.equal(auditBy('rita', 'review reject')[0].reason, 'rescan requested');
  assert.equal(auditBy('rita', 'review rotate').length, 1);
});

test('the keys are listed with ?', async () => {
  await page.keyboard.press('?');
  await page.waitForSelector('#help[open]');
  const text = await page.textContent('#help');
  for (const word of ['split', 'merge', 'reject', 'rotate', 'move']) assert.ok(text.includes(word), word);
  await page.keyboard.press('Escape');
  assert.ok(existsSync(join(shots, '1-queue.png')));
});
