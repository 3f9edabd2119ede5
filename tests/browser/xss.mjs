#!/usr/bin/env node
// Headless-browser XSS test for Commonplace.
//
// Starts the service on a temporary data directory, injects the payloads of
// tests/fixtures/xss-payloads.txt into every free-text field of several submissions (API and
// web form), a digest and search queries, then opens every page that renders them in Debian's
// Chromium and fails (exit code 1) if any payload executes or leaves a dangerous element or
// attribute in the DOM.
//
// Every page is checked twice: once with the app's Content-Security-Policy in force (the
// real-world situation; blocked attempts show up as CSP console messages) and once with
// `bypassCSP`, so that an HTML injection the CSP happens to neutralise still executes and is
// reported instead of hiding behind the policy.
//
// Environment: COMMONPLACE_BIN (default ../../target/debug/commonplace), CHROMIUM_PATH
// (default /usr/bin/chromium), XSS_VERBOSE=1 for per-page output, XSS_KEEP=1 to keep the
// temporary data directory.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(HERE, process.env.COMMONPLACE_BIN || '../../target/debug/commonplace');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const FIXTURES = path.resolve(HERE, '../fixtures');
const VERBOSE = !!process.env.XSS_VERBOSE;
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const CANARY = 'xsscanary';
const MOD = { email: 'mod@example.org', password: 'moderator passphrase 4 xss' };
const SUB = { email: 'sub@example.org', password: 'submitter passphrase 4 xss' };

// ------------------------------------------------------------------ results

const results = {
  pages: 0,
  pagesByPass: {},
  dialogs: [], // {pass, page, message, payload}
  dangerous: [], // {pass, page, what}
  cspViolations: 0,
  cspByPage: {},
  pageErrors: [], // non-CSP failures to load/check a page
  payloadsInjected: new Set(),
  fieldsCovered: new Set(),
  slots: [], // {field, payload, intact}
};

function log(...a) {
  if (VERBOSE) console.log(...a);
}

// ------------------------------------------------------------------ payloads

/** One payload per line; the two characters `\n` stand for a line break (Markdown blocks). */
function loadPayloads() {
  return readFileSync(path.join(FIXTURES, 'xss-payloads.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.replaceAll('\\n', '\n'));
}
const PAYLOADS = loadPayloads();

/** Which payload a dialog came from: payload N calls alert(N). */
function payloadForDialog(message) {
  const n = Number.parseInt(message, 10);
  return Number.isInteger(n) && n >= 1 && n <= PAYLOADS.length ? `#${n} ${PAYLOADS[n - 1]}` : '?';
}

// ------------------------------------------------------------------ service

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function childEnv() {
  const env = { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' };
  // Never touch a developer's database or index through inherited configuration.
  for (const k of ['DATABASE_URL', 'COMMONPLACE_INDEX_DIR', 'COMMONPLACE_LISTEN', 'COMMONPLACE_PUBLIC_URL',
    'COMMONPLACE_K', 'COMMONPLACE_SECURE_COOKIES']) delete env[k];
  return env;
}

function cli(dataDir, args, input) {
  return execFileSync(BIN, ['--data-dir', dataDir, ...args], {
    encoding: 'utf8',
    input: input ?? '',
    env: childEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 120_000,
  });
}

function parseToken(stdout, what) {
  const m = stdout.match(/\bcp_[A-Za-z0-9_-]{20,}/);
  if (!m) throw new Error(`no API token in the output of ${what}:\n${stdout}`);
  return m[0];
}

async function waitForServer(base, child, logs) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}:\n${logs.join('')}`);
    try {
      const r = await fetch(base + '/', { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`service did not answer GET / within 60 s:\n${logs.join('')}`);
}

async function stopServer(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}

// ------------------------------------------------------------------ API

function api(base) {
  return async function call(method, url, token, body) {
    const r = await fetch(base + url, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    let json;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: r.status, ok: r.ok, json, text };
  };
}

/**
 * Publishes a submitted submission as the moderator and returns the public report id.
 * Kept in one place so that a workflow change (e.g. a claim or approve step before
 * publishing) only needs an edit here.
 */
async function publishSubmission(call, modToken, submissionId) {
  const r = await call('POST', `/api/v1/submissions/${submissionId}/publish`, modToken);
  if (!r.ok) {
    throw new Error(`publish ${submissionId}: HTTP ${r.status} ${r.text}`);
  }
  const reportId = r.json?.report_id;
  if (!reportId) throw new Error(`publish ${submissionId}: no report_id in ${r.text}`);
  return reportId;
}

// ------------------------------------------------------------------ building submissions

// Free-text fields of schema/submission.schema.json. `kind`: md = Markdown (rendered through
// pulldown-cmark + ammonia), plain = escaped text. `max`: validation limit in characters.
const MARKDOWN_FIELDS = [
  'summary', 'narrative', 'impact.description', 'detection.notes', 'trigger.description',
  'contributing_factors[0].description', 'contributing_factors[0].decision_context',
  'contributing_factors[1].description', 'contributing_factors[1].decision_context',
  'mitigation', 'what_went_well', 'lessons',
];
const PLAIN_FIELDS = [
  'timeline[0].event', 'timeline[1].event', 'timeline[2].event',
  'action_items[0].description', 'action_items[1].description',
];
const TITLE_FIELD = 'title'; // plain, at most 200 characters
const VERSION_FIELDS = ['technologies[0].version', 'technologies[1].version']; // at most 40

const fieldClass = (f) => f.replace(/\[\d+\]/g, '[]');

function setPath(obj, p, value) {
  const parts = p.replace(/\[(\d+)\]/g, '.$1').split('.');
  let o = obj;
  for (const k of parts.slice(0, -1)) o = o[k];
  o[parts.at(-1)] = value;
}
function getPath(obj, p) {
  return p.replace(/\[(\d+)\]/g, '.$1').split('.').reduce((o, k) => (o == null ? o : o[k]), obj);
}

/** A round-robin cursor over the payload indices that satisfy `fits`. */
function cursor(fits) {
  const idx = PAYLOADS.map((p, i) => i).filter((i) => fits(PAYLOADS[i]));
  let n = 0;
  return () => idx[n++ % idx.length];
}
const nextAny = cursor(() => true);
const nextTitle = cursor((p) => p.length + CANARY.length + 1 <= 200 && !p.includes('\n'));
const nextVersion = cursor((p) => p.length <= 40 && !p.includes('\n'));

/**
 * One submission based on tests/fixtures/submission.json with a payload in every free-text
 * field. Returns the body and the list of {field, payload index, value}.
 */
function buildSubmission(base, label) {
  const s = structuredClone(base);
  s.timeline = [0, 1, 2].map((i) => ({ offset: `T+${i}:${String(i * 10).padStart(2, '0')}`, event: '' }));
  s.action_items = [
    { category: 'detection', description: '', status: 'done' },
    { category: 'tooling', description: '' },
  ];
  s.contributing_factors = s.contributing_factors.slice(0, 2);
  while (s.contributing_factors.length < 2) s.contributing_factors.push({ id: 'detection-gap', description: '' });
  s.technologies = s.technologies.slice(0, 2);
  while (s.technologies.length < 2) s.technologies.push({ id: 'mysql' });
  const slots = [];
  const put = (field, i, value) => {
    setPath(s, field, value);
    slots.push({ field, payload: i, value });
  };
  {
    const i = nextTitle();
    put(TITLE_FIELD, i, `${CANARY} ${PAYLOADS[i]}`);
  }
  for (const f of MARKDOWN_FIELDS) {
    const i = nextAny();
    // Inline in a paragraph and again at the start of a block (raw HTML blocks need that).
    put(f, i, `${CANARY} ${label} ${f}: ${PAYLOADS[i]} end\n\n${PAYLOADS[i]}\n\n${CANARY} tail`);
  }
  for (const f of PLAIN_FIELDS) {
    const i = nextAny();
    put(f, i, `${CANARY} ${PAYLOADS[i]}`);
  }
  for (const f of VERSION_FIELDS) {
    const i = nextVersion();
    put(f, i, PAYLOADS[i]);
  }
  return { body: s, slots };
}

// ------------------------------------------------------------------ page checks

const RAW_DANGEROUS = [
  /<\s*(script|iframe|frame|frameset|object|embed|applet|svg|math|base|style|template|noscript|video|audio|source|marquee|isindex|keygen)\b/i,
  /<meta[^>]*http-equiv/i,
  // The template's own links: the stylesheet and the two Atom feeds.
  /<link\b(?![^>]*href="\/(?:static\/style\.css|digests\.atom|reports\.atom)")/i,
];

/** Runs in the page: every element or attribute that user content must never produce. */
function domAudit() {
  const found = [];
  const short = (el) => el.outerHTML.slice(0, 160);
  const urlAttrs = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'background',
    'poster', 'lowsrc', 'dynsrc', 'codebase', 'cite', 'longdesc', 'usemap', 'ping', 'manifest']);
  const badTags = new Set(['SCRIPT', 'IFRAME', 'FRAME', 'FRAMESET', 'OBJECT', 'EMBED', 'APPLET', 'BASE',
    'STYLE', 'TEMPLATE', 'NOSCRIPT', 'VIDEO', 'AUDIO', 'SOURCE', 'MARQUEE', 'ISINDEX', 'KEYGEN', 'PORTAL']);
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toUpperCase();
    if (badTags.has(tag)) found.push(`<${tag.toLowerCase()}> element: ${short(el)}`);
    if (el.namespaceURI !== 'http://www.w3.org/1999/xhtml') found.push(`foreign (${el.namespaceURI}) element: ${short(el)}`);
    if (tag === 'META' && (el.hasAttribute('http-equiv') || el.closest('body'))) found.push(`meta: ${short(el)}`);
    const templateLinks = ['/static/style.css', '/digests.atom', '/reports.atom'];
    if (tag === 'LINK' && (el.closest('body') || !templateLinks.includes(el.getAttribute('href')))) found.push(`link: ${short(el)}`);
    if (tag === 'FORM') {
      const action = el.getAttribute('action') || '';
      if (!action.startsWith('/') || action.startsWith('//')) found.push(`form with foreign action: ${short(el)}`);
    }
    for (const a of el.attributes) {
      const n = a.name.toLowerCase();
      if (n.startsWith('on')) found.push(`event-handler attribute ${n}: ${short(el)}`);
      if (n === 'srcdoc' || n === 'style' || n === 'formaction' || (n === 'autofocus' && !(tag === 'INPUT' && el.id === 'q'))) found.push(`attribute ${n}: ${short(el)}`);
      if (urlAttrs.has(n)) {
        // Browsers ignore ASCII whitespace and control characters inside the scheme.
        const v = a.value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
        if (/^(javascript|vbscript|livescript|data):/.test(v)) found.push(`${n}="${a.value.slice(0, 80)}": ${short(el)}`);
      }
    }
  }
  if (typeof window.__xss !== 'undefined') found.push(`window.__xss = ${String(window.__xss)}`);
  return found;
}

function makeChecker(pass) {
  results.pagesByPass[pass] = 0;
  return async function check(page, label, response) {
    results.pages += 1;
    results.pagesByPass[pass] += 1;
    // Let onload / ontoggle / onfocus / animation handlers fire if any survived.
    await page.waitForTimeout(150);
    if (response) {
      const status = response.status();
      const ctype = response.headers()['content-type'] || '';
      if (ctype.includes('text/html')) {
        const raw = await response.text().catch(() => '');
        for (const re of RAW_DANGEROUS) {
          const m = raw.match(re);
          if (m) {
            const at = raw.indexOf(m[0]);
            results.dangerous.push({ pass, page: label, what: `raw HTML: ${raw.slice(Math.max(0, at - 60), at + 100)}` });
          }
        }
      }
      log(`[${pass}] ${status} ${label}`);
    } else {
      log(`[${pass}] ${label}`);
    }
    let found;
    try {
      found = await page.evaluate(domAudit);
    } catch (e) {
      results.pageErrors.push(`[${pass}] ${label}: DOM audit failed: ${e.message}`);
      return;
    }
    for (const what of found) results.dangerous.push({ pass, page: label, what });
  };
}

const SELF_TEST = '__harness self-test__';

/**
 * Proves that the traps work in this Chromium: unsanitised payloads on a blank page must
 * raise a dialog and be found by the DOM audit. A harness that sees nothing cannot pass.
 */
async function selfTest(pass, page, state) {
  state.label = SELF_TEST;
  await page.setContent('<p>self-test</p><img src=x onerror=alert(0)><a href="jav&#x09;ascript:alert(0)">x</a>' +
    '<iframe srcdoc="x"></iframe><svg onload=alert(0)></svg>');
  await page.waitForTimeout(300);
  const found = await page.evaluate(domAudit);
  if (state.selfTestDialogs < 1 || found.length < 4) {
    results.pageErrors.push(`[${pass}] harness self-test failed: ${state.selfTestDialogs} dialogs, ${found.length} audit findings`);
  }
  state.label = '(none)';
}

/** Pages whose body must show the injected text; if it is missing the check proves nothing. */
async function expectCanary(pass, page, label) {
  const text = await page.evaluate(() => document.body?.innerText ?? '').catch(() => '');
  if (!text.includes(CANARY)) results.pageErrors.push(`[${pass}] ${label}: injected text (${CANARY}) not shown`);
}

async function openContext(pass, bypassCSP) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `cp-xss-chromium-${pass}-`));
  let context;
  try {
    context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      bypassCSP,
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const state = { label: '(none)', selfTestDialogs: 0 };
  const attach = (page) => {
    page.on('dialog', (d) => {
      if (state.label === SELF_TEST) state.selfTestDialogs += 1;
      else results.dialogs.push({ pass, page: state.label, message: d.message(), payload: payloadForDialog(d.message()) });
      d.dismiss().catch(() => {});
    });
    page.on('console', (m) => {
      if (/Content[- ]Security[- ]Policy/i.test(m.text())) {
        results.cspViolations += 1;
        const k = `[${pass}] ${state.label}`;
        results.cspByPage[k] = (results.cspByPage[k] || 0) + 1;
      }
    });
    page.on('pageerror', (e) => log(`[${pass}] page error on ${state.label}: ${e.message}`));
  };
  context.on('page', attach);
  for (const p of context.pages()) attach(p);
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, dir, state };
}

// ------------------------------------------------------------------ browser flows

async function login(page, base, user) {
  await page.goto(base + '/login');
  await page.fill('#email', user.email);
  await page.fill('#password', user.password);
  const [resp] = await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
  if (new URL(page.url()).pathname === '/login') throw new Error(`login as ${user.email} failed (HTTP ${resp?.status()})`);
}

async function logout(page) {
  const btn = page.locator('form[action="/logout"] button');
  if (await btn.count()) await Promise.all([page.waitForNavigation(), btn.click()]);
}

/** A payload from the list that fits a one-line form field (no newline, no comma if needed). */
function pick(n, { noComma = false, max = 1e9 } = {}) {
  const ok = PAYLOADS.map((p, i) => i).filter(
    (i) => !PAYLOADS[i].includes('\n') && (!noComma || !PAYLOADS[i].includes(',')) && PAYLOADS[i].length <= max,
  );
  return PAYLOADS[ok[n % ok.length]];
}

async function runPass(pass, bypassCSP, ctx) {
  const { base, reportIds, heldIds, rejectedId, publishedSubIds, digestSlug } = ctx;
  const check = makeChecker(pass);
  const { context, page, dir, state } = await openContext(pass, bypassCSP);
  const visit = async (label, url) => {
    state.label = label;
    let resp;
    try {
      resp = await page.goto(base + url, { waitUntil: 'load' });
    } catch (e) {
      results.pageErrors.push(`[${pass}] ${label}: ${e.message}`);
      return;
    }
    await check(page, label, resp);
  };
  const submitForm = async (label, action) => {
    state.label = label;
    let resp;
    try {
      [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
    } catch (e) {
      results.pageErrors.push(`[${pass}] ${label}: ${e.message}`);
      return null;
    }
    await check(page, label, resp);
    return resp;
  };
  const visitWithPayloads = async (label, url) => {
    await visit(label, url);
    await expectCanary(pass, page, label);
  };
  try {
    await selfTest(pass, page, state);
    // ---- public pages
    await visitWithPayloads('/', '/');
    for (const id of reportIds) await visitWithPayloads(`/reports/${id}`, `/reports/${id}`);
    await visitWithPayloads(`/search?q=${CANARY}`, `/search?q=${CANARY}`);
    await visit(`/search?q=${CANARY}&sort=recent&page=2&per_page=2`, `/search?q=${CANARY}&sort=recent&page=2&per_page=2`);
    await visit('/search?q=alert', '/search?q=alert');
    await visit('/search?q=script', '/search?q=script');
    await visit('/search?q=onerror img', `/search?q=${encodeURIComponent('onerror img')}`);
    const searchPayloads = [0, 4, 10, 15, 18, 29, 36, 39, 42, 43, 58, PAYLOADS.length - 1].map((i) => PAYLOADS[Math.min(i, PAYLOADS.length - 1)]);
    for (const [n, p] of searchPayloads.entries()) {
      await visit(`/search?q=<payload ${n}>`, `/search?q=${encodeURIComponent(p)}`);
    }
    for (const param of ['technology', 'factor', 'severity', 'kind', 'sort']) {
      await visit(`/search?${param}=<payload>`, `/search?q=${CANARY}&${param}=${encodeURIComponent(pick(5))}`);
    }
    await visitWithPayloads(`/digests/${digestSlug}`, `/digests/${digestSlug}`);
    await visit('/digests', '/digests');
    await visit('/patterns', '/patterns');
    await visit('/reports/<payload> (404)', `/reports/${encodeURIComponent(PAYLOADS[0])}`);
    await visit('/digests/<payload> (404)', `/digests/${encodeURIComponent(pick(3))}`);
    await visit('/<payload> (404)', `/${encodeURIComponent(pick(6))}`);

    // ---- login form reflecting a hostile email
    await visit('/login', '/login');
    await page.evaluate(() => {
      document.querySelector('form[action="/login"]').noValidate = true;
    });
    await page.fill('#email', `"><script>alert(1)</script>${pick(40)}@example.org`);
    await page.fill('#password', 'wrong password, certainly');
    await submitForm('POST /login (bad credentials, payload email)', () => page.click('form[action="/login"] button[type=submit]'));

    // ---- submitter: web form with payloads, validation re-render, preview, revise, confirm
    state.label = 'login submitter';
    await login(page, base, SUB);
    await visitWithPayloads('/my/submissions', '/my/submissions');
    await visitWithPayloads('/submissions/<rejected> (preview)', `/submissions/${rejectedId}`);
    await visit('/submit', '/submit');
    const fillSubmit = async (k, technologies) => {
      await page.fill('#title', `${CANARY} ${pick(k + 1, { max: 180 })}`);
      await page.fill('#summary', `${CANARY} ${pick(k + 2)}\n\n${PAYLOADS[(k + 60) % PAYLOADS.length]}`);
      await page.fill('#narrative', `${CANARY} ${pick(k + 3)}\n\n${PAYLOADS[(k + 55) % PAYLOADS.length]}`);
      await page.fill('#period', '2025-Q2');
      await page.check('input[name=impact_types][value=elevated_errors]');
      await page.fill('#impact_description', pick(k + 4));
      await page.fill('#detection_notes', pick(k + 5));
      await page.fill('#trigger_description', pick(k + 6));
      await page.fill('#technologies', technologies);
      await page.fill('#factors', `replication-failover: ${pick(k + 7)}\ndetection-gap: ${pick(k + 8)}`);
      await page.fill('#timeline', `T+0:00 ${pick(k + 9)}\nT+0:35 ${pick(k + 10)}`);
      await page.fill('#mitigation', pick(k + 11));
      await page.fill('#what_went_well', pick(k + 12));
      await page.fill('#lessons', pick(k + 13));
      await page.fill('#action_items', `detection: ${pick(k + 14)}\ntooling: ${pick(k + 15)}`);
    };
    const k = pass === 'csp' ? 0 : 20;
    // First with an unknown technology (its id is echoed in the error list) so the form is
    // re-rendered with every payload back inside inputs and textareas.
    await fillSubmit(k, `mysql ${pick(k + 16, { noComma: true, max: 40 })}, ${pick(k + 17, { noComma: true, max: 60 }).replace(/\s+/g, '')}`);
    const invalid = await submitForm('POST /submit (invalid, re-rendered form)', () => page.click('form[action="/submit"] button[type=submit]'));
    if (invalid && invalid.status() !== 422) results.pageErrors.push(`[${pass}] invalid /submit answered ${invalid.status()}, expected 422`);
    await fillSubmit(k + 1, `mysql ${pick(k + 18, { noComma: true, max: 40 })}, k8s ${pick(k + 19, { noComma: true, max: 40 })}`);
    await submitForm('POST /submit (valid) -> preview', () => page.click('form[action="/submit"] button[type=submit]'));
    const previewPath = new URL(page.url()).pathname;
    if (!/^\/submissions\/[^/]+$/.test(previewPath)) {
      results.pageErrors.push(`[${pass}] /submit did not lead to a preview page (at ${page.url()})`);
    } else {
      await visitWithPayloads('/submissions/{id} (preview)', previewPath);
      // Add a term that occurs inside the payloads so the preview wraps parts of them in <mark>.
      const revise = page.locator('form[action$="/revise"]');
      if (await revise.count()) {
        await page.fill('#add_terms', 'onerror\nalert');
        await submitForm('POST /submissions/{id}/revise -> preview with marks', () => revise.locator('button[type=submit]').click());
      }
      const confirm = page.locator('form[action$="/confirm"] button[type=submit]');
      if (await confirm.count()) await submitForm('POST /submissions/{id}/confirm -> /my/submissions', () => confirm.click());
    }
    const webSubmissionId = previewPath.split('/').pop();
    await logout(page);

    // ---- moderator: queue, every detail page, a digest through the form
    state.label = 'login moderator';
    await login(page, base, MOD);
    await visitWithPayloads('/moderation', '/moderation');
    for (const id of heldIds) await visitWithPayloads(`/moderation/${id} (submitted)`, `/moderation/${id}`);
    if (webSubmissionId) await visitWithPayloads('/moderation/{web form submission}', `/moderation/${webSubmissionId}`);
    await visit('/moderation/{rejected}', `/moderation/${rejectedId}`);
    for (const id of publishedSubIds.slice(0, 2)) await visit('/moderation/{published}', `/moderation/${id}`);
    await visit('/moderation/<payload> (404)', `/moderation/${encodeURIComponent(pick(9))}`);
    await visitWithPayloads('/digests/new', '/digests/new');
    await page.fill('#title', `${CANARY} ${pass} ${pick(k + 21, { max: 150 })}`);
    await page.fill('#commentary', `${pick(k + 22)}\n\n${PAYLOADS[(k + 33) % PAYLOADS.length]}\n\n[x](javascript:alert(1))`);
    await page.locator('input[name=report]').first().check();
    await submitForm('POST /digests (form) -> digest page', () => page.click('form[action="/digests"] button[type=submit]'));
    await visit('/digests (as moderator)', '/digests');
    await visit('/ (as moderator)', '/');
    await logout(page);
  } finally {
    await context.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ main

async function main() {
  if (!existsSync(BIN)) throw new Error(`service binary not found: ${BIN} (build it or set COMMONPLACE_BIN)`);
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cp-xss-data-'));
  let child;
  try {
    // Accounts through the CLI, against the same data directory.
    const orgOut = cli(dataDir, ['org', 'create', 'Payload Org', '--alias', 'PayloadOrg']);
    const orgToken = parseToken(orgOut, 'org create');
    const modToken = parseToken(
      cli(dataDir, ['user', 'add', MOD.email, '--role', 'moderator', '--token'], MOD.password + '\n'),
      'user add (moderator)',
    );
    cli(dataDir, ['user', 'add', SUB.email, '--role', 'submitter', '--org', 'Payload Org'], SUB.password + '\n');

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const logs = [];
    child = spawn(BIN, ['--data-dir', dataDir, 'serve', '--listen', `127.0.0.1:${port}`, '--k', '1', '--publish-interval', '0'], {
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => logs.push(String(d)));
    child.stderr.on('data', (d) => logs.push(String(d)));
    await waitForServer(base, child, logs);
    const call = api(base);

    // Submissions: enough to put every payload in at least one published field.
    const fixture = JSON.parse(readFileSync(path.join(FIXTURES, 'submission.json'), 'utf8'));
    const perSubmission = MARKDOWN_FIELDS.length + PLAIN_FIELDS.length;
    const nPublish = Math.ceil(PAYLOADS.length / perSubmission);
    const nHeld = 2;
    const built = [];
    for (let n = 0; n < nPublish + nHeld + 1; n++) built.push(buildSubmission(fixture, `s${n}`));
    const submissionIds = [];
    for (const [n, b] of built.entries()) {
      const r = await call('POST', '/api/v1/submissions', orgToken, b.body);
      if (r.status !== 201) throw new Error(`submission ${n} rejected: HTTP ${r.status} ${r.text}`);
      submissionIds.push(r.json.id);
    }
    const reportIds = [];
    const publishedSubIds = submissionIds.slice(0, nPublish);
    for (const [n, id] of publishedSubIds.entries()) {
      const reportId = await publishSubmission(call, modToken, id);
      reportIds.push(reportId);
      // What survived scrubbing: a payload counts as delivered if the published field still
      // holds it verbatim.
      const rep = await call('GET', `/api/v1/reports/${reportId}`);
      const content = rep.json?.content ?? rep.json;
      for (const s of built[n].slots) {
        const published = getPath(content, s.field);
        const intact = typeof published === 'string' && published.includes(PAYLOADS[s.payload]);
        results.slots.push({ field: s.field, payload: s.payload, intact });
        results.payloadsInjected.add(s.payload);
        results.fieldsCovered.add(fieldClass(s.field));
      }
    }
    const heldIds = submissionIds.slice(nPublish, nPublish + nHeld);
    const rejectedId = submissionIds[nPublish + nHeld];
    for (const b of built.slice(nPublish)) for (const s of b.slots) results.payloadsInjected.add(s.payload);
    const rej = await call('POST', `/api/v1/submissions/${rejectedId}/reject`, modToken, {
      reason: `${CANARY} ${PAYLOADS[0]} ${pick(12)}`,
    });
    if (!rej.ok) throw new Error(`reject: HTTP ${rej.status} ${rej.text}`);

    // A digest with payloads in its title and Markdown commentary.
    const digestTitle = `${CANARY} digest ${pick(1, { max: 150 })}`;
    const commentary = [
      `${CANARY} commentary`, ...PAYLOADS.slice(0, 40).map((p) => `${p}\n`), '[x](javascript:alert(1))',
      '| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | <script>alert(1)</script> |',
    ].join('\n\n');
    const dg = await call('POST', '/api/v1/digests', modToken, { title: digestTitle, commentary, report_ids: reportIds });
    if (dg.status !== 201) throw new Error(`digest: HTTP ${dg.status} ${dg.text}`);
    const digestSlug = dg.json.slug;

    // Wait for the indexer to catch up so that search pages render the payload snippets.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const s = await call('GET', `/api/v1/search?q=${CANARY}&per_page=50`);
      if ((s.json?.total ?? 0) >= reportIds.length) break;
      if (Date.now() > deadline) {
        results.pageErrors.push(`search index has ${s.json?.total} of ${reportIds.length} reports after 30 s`);
        break;
      }
      await new Promise((r) => setTimeout(r, 300));
    }

    const ctx = { base, reportIds, heldIds, rejectedId, publishedSubIds, digestSlug };
    await runPass('csp', false, ctx);
    await runPass('nocsp', true, ctx);
  } finally {
    await stopServer(child);
    if (process.env.XSS_KEEP) console.log(`kept data directory ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

function summary() {
  const allFields = new Set([TITLE_FIELD, ...MARKDOWN_FIELDS, ...PLAIN_FIELDS, ...VERSION_FIELDS].map(fieldClass));
  const missingFields = [...allFields].filter((f) => !results.fieldsCovered.has(f));
  const missingPayloads = PAYLOADS.map((_, i) => i).filter((i) => !results.payloadsInjected.has(i));
  const intact = results.slots.filter((s) => s.intact).length;
  console.log('XSS browser test summary');
  console.log(`  pages visited:          ${results.pages} (${Object.entries(results.pagesByPass).map(([k, v]) => `${k}: ${v}`).join(', ')})`);
  console.log(`  payloads injected:      ${results.payloadsInjected.size} of ${PAYLOADS.length}` +
    (missingPayloads.length ? ` (missing: ${missingPayloads.map((i) => i + 1).join(', ')})` : ''));
  console.log(`  fields covered:         ${results.fieldsCovered.size} of ${allFields.size}` +
    (missingFields.length ? ` (missing: ${missingFields.join(', ')})` : '') + ` [${[...results.fieldsCovered].join(', ')}]`);
  console.log(`  published payload slots: ${results.slots.length}, still verbatim after scrubbing: ${intact}`);
  console.log(`  dialogs:                ${results.dialogs.length}`);
  for (const d of results.dialogs) console.log(`    [${d.pass}] ${d.page}: alert(${d.message}) from payload ${d.payload}`);
  console.log(`  dangerous DOM/HTML:     ${results.dangerous.length}`);
  for (const d of results.dangerous.slice(0, 50)) console.log(`    [${d.pass}] ${d.page}: ${d.what}`);
  console.log(`  CSP violations seen:    ${results.cspViolations} (blocked by the policy; not a failure)`);
  for (const [k, v] of Object.entries(results.cspByPage)) console.log(`    ${k}: ${v}`);
  if (results.pageErrors.length) {
    console.log(`  errors:                 ${results.pageErrors.length}`);
    for (const e of results.pageErrors) console.log(`    ${e}`);
  }
  return results.dialogs.length === 0 && results.dangerous.length === 0 && results.pageErrors.length === 0 &&
    missingFields.length === 0 && missingPayloads.length === 0;
}

let ok = false;
try {
  await main();
  ok = summary();
} catch (e) {
  console.error(`XSS browser test aborted: ${e.stack || e}`);
  summary();
  ok = false;
}
console.log(ok ? 'PASS' : 'FAIL');
process.exit(ok ? 0 : 1);
