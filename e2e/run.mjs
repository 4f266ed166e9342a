#!/usr/bin/env node
// Browser check of the jinguo demo.
//
// Starts `jinguo demo` in a fresh temporary data directory on a free port,
// drives Chromium (playwright-core, system browser) through the main pages
// as several demo users, asserts what a user must see, and saves screenshots
// to e2e/out/. Exits non-zero if any check fails.
//
//   node run.mjs
//
// Environment:
//   JINGUO_BIN        server binary (default ../target/debug/jinguo, relative to this directory)
//   CHROMIUM_PATH     browser executable (default /usr/bin/chromium)
//   E2E_START_TIMEOUT seconds to wait for the demo to start (default 300)
//   E2E_KEEP_DATA=1   keep the temporary demo data directory
//   E2E_ONLY=A|B      run only the steps whose name contains A or B

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

// axe-core, evaluated in the page through the DevTools protocol (the pages'
// CSP allows only their own scripts, which `evaluate` is not subject to).
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const E2E_DIR = dirname(fileURLToPath(import.meta.url));
const OUT_DIR = join(E2E_DIR, 'out');
const BIN = process.env.JINGUO_BIN
  ? resolve(process.env.JINGUO_BIN)
  : resolve(E2E_DIR, '..', 'target', 'debug', 'jinguo');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const START_TIMEOUT_MS = Number(process.env.E2E_START_TIMEOUT || 300) * 1000;
const PASSWORD = 'Demo-pass-2026';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const DESKTOP = { viewport: { width: 1366, height: 900 } };
const PHONE = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
};

// Units the checks expect, from the bundled Inner Mongolia tree.
const XILINHOT = '152502000000'; // 锡林浩特市
const BAOLIGEN = '152502200000'; // demo township of `baoligen`
const YILELT = '152502200200'; // demo village of `yilelt`
const REGION = '150000000000'; // 内蒙古自治区
const XILINGOL = '152500000000'; // 锡林郭勒盟

// ---------------------------------------------------------------- output

const failures = [];
const warnings = [];
// The demo's data directory, set by main(): a step may read the demo's
// SQLite database (see the honours story).
let DATA_DIR = null;

function log(msg) {
  console.log(msg);
}

class CheckFailed extends Error {}

/** Fails the current step with `msg` unless `cond` holds. */
function check(cond, msg) {
  if (!cond) throw new CheckFailed(msg);
  log(`    ok  ${msg}`);
}

function noteOnce(msg) {
  if (!warnings.includes(msg)) warn(msg);
}

function warn(msg) {
  warnings.push(msg);
  log(`    !!  ${msg}`);
}

// ---------------------------------------------------------------- server

/** Starts `jinguo demo` and resolves with its base URL once it listens. */
function startServer(dataDir) {
  const args = [
    'demo',
    '--data-dir', dataDir,
    '--listen', '127.0.0.1:0',
    '--demo-password', PASSWORD,
    // No generated activities: the ledger step counts exactly what it records.
    '--activities', '0',
  ];
  log(`starting ${BIN} ${args.join(' ')}`);
  const child = spawn(BIN, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' },
  });
  let output = '';
  const server = { child, output: () => output, exited: null };

  const ready = new Promise((resolveReady, rejectReady) => {
    const timer = setTimeout(() => {
      rejectReady(new Error(`server did not print its address within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    const onData = (chunk) => {
      output += chunk.toString();
      const m = output.match(/open\s+(http:\/\/\S+?)\/?\s/);
      if (m) {
        clearTimeout(timer);
        resolveReady(m[1] + '/');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => { output += chunk.toString(); });
    child.on('error', (e) => { clearTimeout(timer); rejectReady(e); });
    child.on('exit', (code, signal) => {
      server.exited = { code, signal };
      clearTimeout(timer);
      rejectReady(new Error(`server exited early (code ${code}, signal ${signal})`));
    });
  });
  server.ready = ready;
  // The demo's modules record their examples in the background after it
  // listens (some count in the ledger): the steps start once they are in.
  server.modules = new Promise((resolveModules, rejectModules) => {
    const timer = setTimeout(() => rejectModules(new Error('the demo did not say its module records are ready')), START_TIMEOUT_MS);
    const look = () => {
      if (output.includes('demo module records ready')) {
        clearTimeout(timer);
        resolveModules();
      }
    };
    child.stdout.on('data', look);
  });
  return server;
}

async function stopServer(server) {
  if (!server || server.exited) return;
  const gone = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  const timeout = new Promise((r) => setTimeout(() => r('timeout'), 5000));
  if ((await Promise.race([gone, timeout])) === 'timeout') {
    server.child.kill('SIGKILL');
    await gone;
  }
}

async function waitForHealthz(base, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(new URL('healthz', base));
      const body = (await res.text()).trim();
      if (res.ok && body === 'ok') return;
      last = `${res.status} ${body.slice(0, 80)}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`/healthz did not answer "ok" within ${timeoutMs / 1000} s (last: ${last})`);
}

// ---------------------------------------------------------------- browser

/** A new context (own cookies) whose pages report script errors and 5xx answers. */
async function newContext(browser, base, device) {
  const context = await browser.newContext({
    ...device,
    baseURL: base,
    locale: 'zh-CN',
    extraHTTPHeaders: { 'Accept-Language': 'zh-CN,zh;q=0.9' },
  });
  context.setDefaultTimeout(30000);
  context.setDefaultNavigationTimeout(60000);
  context.problems = [];
  context.on('page', (page) => watchPage(page, context.problems));
  return context;
}

function watchPage(page, problems) {
  page.on('pageerror', (e) => problems.push(`script error on ${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (m.text().startsWith('Failed to load resource')) {
      const url = m.location().url || '';
      // The browser asks for /favicon.ico by itself; note it, don't fail.
      if (url.endsWith('/favicon.ico')) return noteOnce(`no favicon: GET /favicon.ico answers 404`);
      // Pages answered with an error status (e.g. 401 after a wrong
      // password) are checked by the steps themselves.
      if (url === page.url()) return;
      problems.push(`failed to load ${url} on ${page.url()}: ${m.text()}`);
      return;
    }
    problems.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
  });
}

function pathOf(page) {
  return new URL(page.url()).pathname;
}

/** Opens /login and submits the form; resolves once the answer has loaded. */
async function submitLogin(page, username, password) {
  await page.goto('/login');
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('form button.primary[type="submit"]').click(),
  ]);
}

/** Logs in and checks that the user lands on her workbench, which names
 *  her unit in the header. */
async function login(page, username, unitCode) {
  await submitLogin(page, username, PASSWORD);
  check(pathOf(page) === '/', `${username} lands on the workbench / (got ${pathOf(page)})`);
  const unitLink = await page.locator('a.current-unit').getAttribute('href');
  check(unitLink === `/units/${unitCode}`, `${username}'s header names her unit ${unitCode} (got ${unitLink})`);
}

async function screenshot(page, name) {
  const file = join(OUT_DIR, name);
  await page.screenshot({ path: file, fullPage: true });
  log(`    ->  out/${name}`);
}

async function text(locator) {
  return ((await locator.first().innerText()) || '').replace(/\s+/g, ' ').trim();
}

/** Checks the page for things a user should never see: message keys left
 *  untranslated (e.g. "users.title") and, on phones, sideways scrolling. */
async function lookForDefects(page, what) {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations.map(
      (v) => `${v.id} ×${v.nodes.length} (${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join('; ')})`,
    );
  });
  check(violations.length === 0, `${what}: axe-core finds no WCAG 2.1 AA violation${violations.length ? ` (found: ${violations.join(', ')})` : ''}`);

  const keys = await page.evaluate(() => {
    const found = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const keyLike = /^[a-z][a-z0-9_]*(\.[a-z0-9_-]+)+$/;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const t = n.textContent.trim();
      if (keyLike.test(t)) found.add(t);
    }
    for (const el of document.querySelectorAll('[placeholder],[title],[aria-label]')) {
      for (const a of ['placeholder', 'title', 'aria-label']) {
        const v = (el.getAttribute(a) || '').trim();
        if (keyLike.test(v)) found.add(`${a}=${v}`);
      }
    }
    if (keyLike.test(document.title.trim())) found.add(`title=${document.title}`);
    return [...found];
  });
  check(keys.length === 0, `${what}: no untranslated message keys${keys.length ? ` (found: ${keys.join(', ')})` : ''}`);

  // A Mongolian page: no Mongolian text lies on its side (issue 17; the
  // layout is explained in docs/mongolian-glossary.md). Selects' options
  // are drawn by the browser and cannot stand upright; they are skipped.
  if (/^mn/.test((await page.locator('html').getAttribute('lang')) || '')) {
    const sideways = await page.evaluate(() => {
      const out = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!/[\u1820-\u18AA]/.test(n.data) || !el || el.closest('select, option, textarea, script, style, [hidden], .visually-hidden')) continue;
        if (getComputedStyle(el).writingMode === 'horizontal-tb' && el.getClientRects().length) {
          out.push(`${el.tagName.toLowerCase()}: ${n.data.trim().slice(0, 24)}`);
        }
      }
      return out;
    });
    check(sideways.length === 0, `${what}: no Mongolian text lies on its side${sideways.length ? ` (found ${sideways.length}: ${sideways.slice(0, 4).join('; ')})` : ''}`);
  }

  const vp = page.viewportSize();
  if (vp && vp.width < 600) {
    const overflow = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
      wide: [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .slice(0, 5)
        .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '')),
    }));
    if (overflow.scroll > overflow.client) {
      warn(`${what}: page scrolls sideways on a ${vp.width}px phone (${overflow.scroll}px wide; e.g. ${overflow.wide.join(', ')})`);
    } else {
      log(`    ok  ${what}: no sideways scrolling at ${vp.width}px`);
    }
  }
}

// ---------------------------------------------------------------- steps

const steps = [];
function step(name, device, fn) {
  steps.push({ name, device, fn });
}

step('xilinhot logs in on desktop: her workbench, then 锡林浩特市 and its quiet villages', DESKTOP, async (page) => {
  await login(page, 'xilinhot', XILINHOT);
  const wb = await text(page.locator('h1'));
  check(wb.includes('工作台') && wb.includes('锡林浩特市'), `the workbench names her unit (got "${wb}")`);
  check(await page.locator('section.wb-card', { hasText: '本月数据' }).count() === 1, 'the workbench shows this month\'s figures');
  await lookForDefects(page, 'workbench');
  await screenshot(page, 'workbench-desktop.png');

  // The quiet-village count leads to the list, with paths and an export.
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('a.stat-link[href^="/quiet/"]').click(),
  ]);
  check(pathOf(page) === `/quiet/${XILINHOT}`, `the count opens the quiet-village list (at ${pathOf(page)})`);
  const quietRows = await page.locator('table.table tbody tr').count();
  check(quietRows > 0, `quiet villages are listed (${quietRows} rows)`);
  check(await page.locator(`a[href="/quiet/${XILINHOT}/export.xlsx"]`).count() === 1, 'the list can be exported');
  await lookForDefects(page, 'quiet villages');
  await screenshot(page, 'quiet-desktop.png');

  await page.goto(`/units/${XILINHOT}`);
  const h1 = await text(page.locator('h1'));
  check(h1.includes('锡林浩特市'), `h1 contains 锡林浩特市 (got "${h1}")`);
  const crumbs = await text(page.locator('nav.breadcrumbs'));
  check(crumbs.includes('锡林郭勒盟'), `breadcrumbs contain 锡林郭勒盟 (got "${crumbs}")`);
  const rows = await page.locator('table.table tbody tr').count();
  check(rows > 0, `children table lists sub-units (${rows} rows)`);
  await lookForDefects(page, 'unit page');
  await screenshot(page, 'home-desktop.png');

  // Live search from the unit page (htmx fills #search-results).
  await page.locator('input#q').pressSequentially('伊利勒特', { delay: 60 });
  const results = page.locator('#search-results li');
  await results.first().waitFor({ state: 'visible', timeout: 15000 }).catch(() => {});
  const paths = await page.locator('#search-results .path').allInnerTexts();
  const wanted = '锡林郭勒盟 › 锡林浩特市';
  check(paths.some((p) => p.replace(/\s+/g, ' ').includes(wanted)),
    `search for 伊利勒特 shows a result under "${wanted}" (paths: ${JSON.stringify(paths.slice(0, 3))})`);
  check(pathOf(page) === `/units/${XILINHOT}`, `live search stays on the unit page (at ${pathOf(page)})`);
  await lookForDefects(page, 'search results');
  await screenshot(page, 'search-desktop.png');
});

step('a wrong password shows the generic error and stays on /login', DESKTOP, async (page) => {
  await submitLogin(page, 'xilinhot', 'Wrong-pass-2026');
  check(pathOf(page) === '/login', `still on /login (at ${pathOf(page)})`);
  const alert = page.getByRole('alert');
  check(await alert.isVisible(), 'an alert (role=alert) is shown');
  const wrongPw = await text(alert);
  check(wrongPw.length > 0, `the alert has a message ("${wrongPw}")`);
  check(await page.locator('input[name="password"]').inputValue() === '', 'the password field is cleared');

  await submitLogin(page, 'no-such-user', 'Wrong-pass-2026');
  const unknown = await text(page.getByRole('alert'));
  check(unknown === wrongPw, `an unknown username gets the same message ("${unknown}")`);

  await page.goto('/');
  check(pathOf(page) === '/login', `no session was made: / leads to /login (at ${pathOf(page)})`);
  await lookForDefects(page, 'login page');
});

step('yilelt on a phone: login page and home page', PHONE, async (page) => {
  await page.goto('/login');
  check(await page.locator('input[name="username"]').isVisible(), 'login form is visible on the phone');
  await lookForDefects(page, 'login page (phone)');
  await screenshot(page, 'login-phone.png');

  await login(page, 'yilelt', YILELT);
  const tabs = await page.locator('nav.tabbar a').allInnerTexts();
  check(tabs.length === 5 && tabs[0].includes('工作台') && tabs[4].includes('更多'),
    `the phone shows a bottom bar of five (got ${JSON.stringify(tabs)})`);
  const headerHeight = await page.locator('header.topbar').evaluate((el) => el.getBoundingClientRect().height);
  check(headerHeight < 60, `the header keeps to one line (${headerHeight}px)`);
  await lookForDefects(page, 'workbench (phone)');
  await screenshot(page, 'workbench-phone.png');
  // 更多 opens the whole menu, with the language and logout.
  await page.locator('nav.tabbar a.tab-more').click();
  check(await page.locator('#menu a[href="/households"]').isVisible(), '更多 shows the full menu');
  check(await page.locator('#menu .menu-account button', { hasText: '退出' }).isVisible(), 'the menu offers logout');
  await screenshot(page, 'menu-phone.png');

  await page.goto(`/units/${YILELT}`);
  const h1 = await text(page.locator('h1'));
  check(h1.length > 0, `unit page has a heading ("${h1}")`);
  const crumbs = await text(page.locator('nav.breadcrumbs'));
  check(crumbs.includes('锡林浩特市'), `breadcrumbs reach up through 锡林浩特市 (got "${crumbs}")`);
  await lookForDefects(page, 'unit page (phone)');
  await screenshot(page, 'home-phone.png');
});

step('admin opens /users', DESKTOP, async (page) => {
  await login(page, 'admin', REGION);
  check(await page.locator('nav.menu a[href="/users"]').count() === 1, 'menu links to /users');
  const res = await page.goto('/users');
  check(res && res.status() === 200, `/users answers 200 (got ${res && res.status()})`);
  check(pathOf(page) === '/users', `still on /users (at ${pathOf(page)})`);
  const h1 = await text(page.locator('h1'));
  check(h1.length > 0, `users page has a heading ("${h1}")`);
  const body = await text(page.locator('main'));
  check(body.includes('xilinhot'), 'the user list shows demo user xilinhot');
  await lookForDefects(page, 'users page');
  await screenshot(page, 'users-desktop.png');
});

step('admin changes her own password on its page', DESKTOP, async (page) => {
  await login(page, 'admin', REGION);
  await page.goto('/account/password');
  check(await page.locator('#current_password').isVisible(), 'the form asks for the current password');
  await page.locator('#current_password').fill('not-her-password');
  await page.locator('#new_password').fill('New-steppe-2026');
  await page.locator('#new_password_repeat').fill('New-steppe-2026');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('form.form button.primary[type="submit"]').click(),
  ]);
  check(await page.locator('#current_password-err').isVisible(), 'a wrong current password is named at its field');
  await lookForDefects(page, 'own password form');
  await screenshot(page, 'own-password-desktop.png');
});

step('admin picks a deep unit for a new user by name, not by code', DESKTOP, async (page) => {
  await login(page, 'admin', REGION);
  await page.goto('/users/new');
  const picker = page.locator('select#unit_code');
  check(await picker.count() === 1, 'the unit is a list to pick from');
  check(await picker.inputValue() === REGION, 'the list starts at her own unit');
  check((await page.locator('#unit_code option').count()) > 10, 'the list holds the units below hers');
  // Villages lie too deep for the region's list: find one by name.
  await page.locator('details.picker summary').click();
  await page.locator('#unit_code-search').pressSequentially('伊利勒特', { delay: 60 });
  const pick = page.locator(`#unit_code-results button.pick[data-pick-code="${YILELT}"]`);
  await pick.waitFor({ state: 'visible', timeout: 15000 });
  await pick.click();
  check(await picker.inputValue() === YILELT, 'choosing a search result selects that village');
  const label = await text(page.locator('#unit_code option:checked'));
  check(label.includes('锡林浩特市 › 宝力根苏木'), `the chosen village shows its path ("${label}")`);
  await lookForDefects(page, 'new user form with unit picker');
  await screenshot(page, 'user-new-picker-desktop.png');
});

/** The league's dashboard: its total of activities, and 锡林浩特市's row as
 *  numbers (activities, participants, women, …). */
async function leagueFigures(page) {
  const res = await page.goto(`/dashboard/${XILINGOL}`);
  check(res && res.status() === 200, `/dashboard/${XILINGOL} answers 200`);
  const num = (s) => Number(String(s).replace(/[,\s]/g, ''));
  const total = num(await text(page.locator('.stat .stat-num')));
  const row = page.locator('table.table tbody tr', { hasText: '锡林浩特市' }).first();
  const cells = (await row.locator('td').allInnerTexts()).map(num).filter((n) => !Number.isNaN(n));
  return { total, cells };
}

step('yilelt records an activity on a phone; xilingol sees it counted', PHONE, async (page) => {
  // The league's figures before (the demo's modules record a few
  // activities of their own under 锡林浩特市).
  await login(page, 'xilingol', XILINGOL);
  const before = await leagueFigures(page);
  await logout(page);
  await login(page, 'yilelt', YILELT);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('nav.tabbar a.tab-record').click(),
  ]);
  check(pathOf(page) === '/activities/new', `记一笔 opens the form (at ${pathOf(page)})`);
  check(await page.locator('#unit_code').inputValue() === YILELT, 'the form starts with her own village');
  await page.locator('#type').selectOption('lecture');
  await page.locator('#title').fill('巾帼大宣讲进嘎查');
  await page.locator('#participants').fill('40');
  await page.locator('#women').fill('31');
  await lookForDefects(page, 'activity form (phone)');
  await screenshot(page, 'record-phone.png');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('form.form button.primary[type="submit"]').click(),
  ]);
  check(pathOf(page) === '/activities', `saved and shown in the ledger (at ${pathOf(page)})`);
  check((await text(page.getByRole('status'))).length > 0, 'a notice confirms the record');
  check((await text(page.locator('main'))).includes('巾帼大宣讲进嘎查'), 'the ledger lists the new activity');

  // Log out, then the league looks at its figures: nobody re-typed anything.
  await logout(page);
  await login(page, 'xilingol', XILINGOL);
  const after = await leagueFigures(page);
  check(after.total === before.total + 1, `the league counts the village's activity (${before.total} → ${after.total})`);
  const added = after.cells.slice(0, 3).map((n, i) => n - before.cells[i]);
  check(added.join(',') === '1,40,31', `锡林浩特市 row adds 1 activity, 40 participants, 31 women (added ${added.join(', ')})`);
  await lookForDefects(page, 'dashboard (phone)');
  await screenshot(page, 'dashboard-phone.png');
});

/** Logs out as she would: from the header on a desktop, from 更多 on a phone. */
async function logout(page) {
  const header = page.locator('header form[action="/logout"] button');
  if (!(await header.isVisible())) {
    await page.locator('nav.tabbar a.tab-more').click();
  }
  const button = (await header.isVisible()) ? header : page.locator('#menu .menu-account form[action="/logout"] button');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    button.click(),
  ]);
}

step('the region issues a task to villages; yilelt answers; baoligen approves; the region sees it', DESKTOP, async (page) => {
  await login(page, 'admin', REGION);
  await page.goto('/tasks/new');
  const deadline = new Date(Date.now() + 7 * 864e5).toISOString().slice(0, 10);
  await page.locator('#title').fill('入户走访情况统计');
  await page.locator('#deadline').fill(deadline);
  check(await page.locator('select[name="target_level"]').inputValue() === '5', 'targets default to every village');
  // The builder shows only the settings that fit a field's type.
  const firstRow = page.locator('[data-field-rows] > fieldset').first();
  const startType = await firstRow.locator('select[name="f_type"]').inputValue();
  await firstRow.locator('select[name="f_type"]').selectOption('text');
  check(!(await firstRow.locator('details.binding').isVisible()) && !(await firstRow.locator('input[name="f_max"]').isVisible()),
    'a text field offers neither limits nor a ledger binding');
  await firstRow.locator('select[name="f_type"]').selectOption('choice');
  check(await firstRow.locator('input[name="f_choices"]').isVisible(), 'a choice field asks for its choices');
  await firstRow.locator('select[name="f_type"]').selectOption(startType);
  await page.locator('input[name="f_label"]').first().fill('走访户数');
  await page.locator('select[name="f_required"]').first().selectOption('1');
  // The notice goes with the task, chosen before issuing.
  await page.locator('#file').setInputFiles({
    name: '走访通知.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n'),
  });
  await lookForDefects(page, 'task form');
  await screenshot(page, 'task-new-desktop.png');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('form.form button.primary[type="submit"]').click(),
  ]);
  const m = pathOf(page).match(/^\/tasks\/(\d+)$/);
  check(m !== null, `issuing leads to the task page (at ${pathOf(page)})`);
  const id = m ? m[1] : '0';
  check((await text(page.getByRole('status'))).length > 0, 'a notice confirms the task was issued');
  check(await page.locator('.file-list a', { hasText: '走访通知.pdf' }).count() === 1,
    'the notice chosen on the form came with the task');
  await logout(page);

  // The village answers on a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, 'yilelt', YILELT);
  await page.goto('/tasks');
  check((await text(page.locator('main'))).includes('入户走访情况统计'), 'the task is in the village inbox');
  await lookForDefects(page, 'task inbox (phone)');
  // The notice printed for the village meeting: Mongolian and Chinese headings.
  await page.goto(`/tasks/${id}/notice`);
  check((await text(page.locator('main'))).includes('入户走访情况统计'), 'the printed notice carries the task');
  check(await page.locator('.notice-kind .bi-mn[lang="mn-Mong"]').count() === 1, 'the notice heading has its Mongolian');
  await lookForDefects(page, 'printed task notice (phone)');
  await screenshot(page, 'task-notice-phone.png');
  await page.goto(`/tasks/${id}/reports/${YILELT}`);
  await page.locator('input[name="v_f1"]').fill('12');
  await lookForDefects(page, 'report form (phone)');
  await screenshot(page, 'report-phone.png');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('button[name="action"][value="submit"]').click(),
  ]);
  check(page.url().includes('done=submitted'), `handed in (at ${page.url()})`);
  await logout(page);

  // The township reviews and approves.
  await page.setViewportSize({ width: 1366, height: 900 });
  await login(page, 'baoligen', BAOLIGEN);
  const waiting = page.locator('section.wb-card', { hasText: '待审核的上报' });
  check(await waiting.count() === 1, 'the township\'s workbench lists a report waiting for review');
  check((await text(waiting)).includes('伊利勒特嘎查'), 'the waiting report names the village');
  await screenshot(page, 'workbench-review-desktop.png');
  await page.goto('/tasks');
  const openTab = await text(page.locator('nav.tabs a[aria-current="page"]'));
  check(openTab === '辖区内任务', `the task list opens on the tab where the report waits (got "${openTab}")`);
  check((await text(page.locator('main'))).includes('入户走访情况统计'), 'the waiting task is listed');
  await lookForDefects(page, 'task inbox (reviewer)');
  await screenshot(page, 'inbox-desktop.png');
  await page.goto(`/tasks/${id}?unit=${BAOLIGEN}`);
  const row = page.locator('table.table tbody tr', { hasText: '伊利勒特嘎查' });
  check(await row.count() === 1, 'the township sees its village in the progress table');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    row.locator('a', { hasText: '审核' }).click(),
  ]);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('section.review button.primary').click(),
  ]);
  check(page.url().includes('done=approved'), `approved (at ${page.url()})`);
  await logout(page);

  // The region's progress shows the approved answer and its number.
  await login(page, 'admin', REGION);
  await page.goto(`/tasks/${id}`);
  const main = await text(page.locator('main'));
  check(/已通过\s*1|1\s*已通过/.test(main) || (await text(page.locator('.stat', { hasText: '已通过' }).locator('.stat-num'))) === '1',
    'the region counts one approved report');
  const totals = await text(page.locator('table.table', { hasText: '合计' }).locator('tbody tr').first());
  check(/走访户数.*\b12\b/.test(totals), `the region's totals show the village's 12 ("${totals}")`);
  await lookForDefects(page, 'task progress');
  await screenshot(page, 'task-progress-desktop.png');
});

step('a woman asks for help on a phone without logging in; yilelt finds it in her queue', PHONE, async (page) => {
  await page.goto('/help');
  const entries = await page.evaluate(() => history.length);
  check(await page.locator('a.exit').count() === 1, 'the quick-exit button is there before anything is typed');
  check(await page.locator('footer a[href="tel:110"]').count() === 1 && await page.locator('footer a[href="tel:12338"]').count() === 1,
    '110 and 12338 are tap-to-call');
  const searchButton = await page.locator('form.search button[type="submit"]').boundingBox();
  check(searchButton && searchButton.height < 60, `the search button keeps its word on one line (${searchButton && searchButton.height}px high)`);
  await page.locator('#q').fill('伊利勒特');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('form.search button[type="submit"]').click(),
  ]);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    // Two places share the name: the residents' committee comes first.
    page.locator(`ul.picks a[href*="place=${YILELT}"]`).click(),
  ]);
  check(await page.locator('form#ask').count() === 1, 'choosing her village opens the request form');
  const order = await page.evaluate(() => {
    const form = document.querySelector('form#ask');
    const homes = document.querySelector('section.homes');
    return homes ? Boolean(form.compareDocumentPosition(homes) & Node.DOCUMENT_POSITION_FOLLOWING) : true;
  });
  check(order, 'the form comes before the list of Women\'s Homes');
  await page.locator('input[name="category"][value="employment"]').check();
  await page.locator('#description').fill('想学电商技能，在家附近找一份工作。');
  await lookForDefects(page, 'help page (phone)');
  await screenshot(page, 'help-phone.png');
  // The request is sent in place: the answer replaces the page.
  await page.locator('form#ask button.send').click();
  await page.locator('#code').waitFor({ state: 'visible', timeout: 30000 });
  const code = await text(page.locator('#code'));
  check(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(code), `she gets a tracking code (got "${code}")`);
  await lookForDefects(page, 'help code page (phone)');
  await screenshot(page, 'help-code-phone.png');
  const after = await page.evaluate(() => history.length);
  check(after === entries, `no step of the flow added a history entry (${entries} → ${after})`);
  // Quick exit, then Back: nothing of the flow comes back.
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }).catch(() => {}),
    page.locator('a.exit').click(),
  ]);
  await page.goBack().catch(() => null);
  check(!page.url().includes('/help'), `Back after the quick exit does not return to the help flow (at ${page.url()})`);

  await page.goto('/help/track');
  await page.locator('#code').fill(code.toLowerCase());
  await page.locator('form.search button[type="submit"]').click();
  await page.locator('dl.status').waitFor({ state: 'visible', timeout: 30000 });
  const status = await text(page.locator('dl.status'));
  check(status.length > 0, `looking the code up shows a status and a date ("${status}")`);
  check(!(await text(page.locator('main'))).includes('电商'), 'the lookup never shows what she wrote');
  check(!page.url().toLowerCase().includes(code.toLowerCase()), `the tracking code never sits in the address (${page.url()})`);

  await login(page, 'yilelt', YILELT);
  const res = await page.goto(`/needs?unit=${YILELT}&status=open`);
  check(res && res.status() === 200, 'the village queue answers 200');
  const queue = await text(page.locator('main'));
  check(queue.includes('就业'), `the request is in the village queue as an open need ("${queue.slice(0, 200)}")`);
  await lookForDefects(page, 'need queue (phone)');
  await screenshot(page, 'needs-queue-phone.png');
});

/** Submits the form that holds `locator` and waits for the next page. */
async function submitVia(page, locator) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
}

step('a DV case from the public page: intake, risk assessment, referral, closure approved by the supervisor', DESKTOP, async (page) => {
  // She asks for rights protection from her village, without logging in.
  await page.goto(`/help?place=${YILELT}`);
  await page.locator('input[name="category"][value="rights"]').check();
  await page.locator('#description').fill('丈夫酒后多次打我，昨晚掐我脖子，我不敢回家。');
  await page.locator('#contact').fill('13900001111');
  await page.locator('form#ask button.send').click();
  await page.locator('#code').waitFor({ state: 'visible', timeout: 30000 });
  const code = await text(page.locator('#code'));
  check(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(code), `she gets a tracking code (${code})`);

  // The banner's caseworker finds it in the intake list and opens a case.
  await login(page, 'caseworker', XILINHOT);
  await page.goto(`/help-requests?unit=${XILINHOT}`);
  await submitVia(page, page.locator('a', { hasText: code }).first());
  await submitVia(page, page.locator(`a[href^="/cases/new?help="]`));
  check((await page.locator('#narrative').inputValue()).includes('掐我脖子'), 'the intake starts from what she wrote');
  await page.locator('#type').selectOption('domestic_violence');
  await page.locator('#client_name').fill('乌日娜');
  await page.locator('#client_sex').selectOption('F');
  await page.locator('#client_phone').fill('13900001111');
  await page.locator('select[name="p_role"]').first().selectOption('respondent');
  await page.locator('input[name="p_name"]').first().fill('巴特尔');
  for (const c of ['services', 'referral', 'statistics']) {
    await page.locator(`input[name="consent_${c}"]`).check();
  }
  await lookForDefects(page, 'case intake');
  await screenshot(page, 'case-intake.png');
  await submitVia(page, page.locator('form[action="/cases"] button[type="submit"]'));
  const url = page.url();
  check(/\/cases\/\d+/.test(url), `the case page opens after intake (${url})`);
  const caseId = url.match(/\/cases\/(\d+)/)[1];

  // The case page is in sections; the assessment form opens on a tap.
  check(await page.locator('nav.case-sections a[href="#assess"]').count() === 1, 'the case page has its sections');
  await page.locator('details.form-details summary', { hasText: '做风险评估' }).first().click();
  // Risk assessment: strangulation, threats to kill, a weapon → critical.
  for (const k of ['strangled', 'threatened_to_kill', 'weapon_threat', 'has_weapon', 'separated_recently', 'unemployed']) {
    await page.locator(`input[name="answers"][value="${k}"]`).check();
  }
  await submitVia(page, page.locator(`form[action="/cases/${caseId}/assess"] button[type="submit"]`));
  check(await page.locator('.risk-critical').count() > 0, 'the case shows the critical level in its colour');

  // Referral to the police, with her consent.
  await page.locator('#flow-agency').selectOption('police');
  await page.locator('#flow-agency_name').fill('锡林浩特市公安局');
  await submitVia(page, page.locator(`form[action="/cases/${caseId}/refer#flow"] button[type="submit"]`));
  check((await text(page.locator('main'))).includes('锡林浩特市公安局'), 'the referral is listed');

  // Closure asked for, with an outcome and a reason.
  await page.locator('#flow-outcome').selectOption('resolved');
  await page.locator('#flow-close-reason').fill('已获告诫书并安置，当事人同意结案。');
  await submitVia(page, page.locator(`form[action="/cases/${caseId}/close#flow"] button[type="submit"]`));
  check(await page.locator(`form[action="/cases/${caseId}/approve-closure#flow"]`).count() === 0,
    'the caseworker who asked cannot approve her own closure');
  await lookForDefects(page, 'case page');
  await screenshot(page, 'case-page.png');
  await logout(page);

  // A cadre of the same banner: the case does not open for her.
  await login(page, 'xilinhot', XILINHOT);
  const denied = await page.goto(`/cases/${caseId}`);
  check(denied && [403, 404].includes(denied.status()), `an admin without a grant cannot open it (${denied && denied.status()})`);
  check(!(await text(page.locator('body'))).includes('乌日娜'), 'nothing of the case shows');
  await page.goto('/');
  await logout(page);

  // The region's supervisor was alerted and approves the closure.
  await login(page, 'supervisor', REGION);
  await page.goto('/cases');
  check((await text(page.locator('main'))).includes(`WQ${caseId.padStart(6, '0')}`), 'the supervisor sees the case and its alert');
  await page.goto(`/cases/${caseId}`);
  await submitVia(page, page.locator(`form[action="/cases/${caseId}/approve-closure#flow"] button[value="true"]`));
  check(await page.locator('.case-st-closed').count() > 0, 'the case is closed');
  await screenshot(page, 'case-closed.png');
  await page.goto(`/cases/${caseId}/access-log`);
  const log = await text(page.locator('main'));
  check(log.includes('caseworker') && log.includes('supervisor'), 'who viewed this lists both');
  await logout(page);
});

step('honours: the public notices, a notice and a certificate on a phone; the campaigns in the office', PHONE, async (page) => {
  const list = await page.goto('/public/honours');
  check(list && list.status() === 200, `/public/honours answers 200 without login (got ${list && list.status()})`);
  await lookForDefects(page, 'public honours list');
  await screenshot(page, 'honours-public-phone.png');
  // The demo fills its campaigns in the background after it starts serving.
  let links = [];
  for (let i = 0; i < 90 && links.length === 0; i++) {
    if (i > 0) {
      await page.waitForTimeout(2000);
      await page.reload();
    }
    links = await page.locator('main a[href^="/public/honours/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  }
  check(links.length > 0, `the demo's campaigns are listed (${links.length} links)`);
  let certificate = null;
  for (const href of links.filter((h) => /^\/public\/honours\/\d+(\?.*)?$/.test(h))) {
    const r = await page.goto(href);
    check(r && r.status() === 200, `${href} answers 200`);
    const body = await text(page.locator('main'));
    check(!/\d{17}[\dX]/.test(body), `${href} shows no ID number`);
    await lookForDefects(page, `public notice ${href}`);
    const cert = page.locator('a[href*="/certificates/"]');
    if (!certificate && (await cert.count()) > 0) certificate = await cert.first().getAttribute('href');
  }
  await screenshot(page, 'honours-notice-phone.png');
  check(certificate !== null, 'a published campaign links a certificate');
  if (certificate) {
    const r = await page.goto(certificate);
    check(r && r.status() === 200, `${certificate} answers 200`);
    await lookForDefects(page, 'certificate');
    await screenshot(page, 'honours-certificate-phone.png');
  }
  await login(page, 'xilinhot', XILINHOT);
  const office = await page.goto('/honours');
  check(office && office.status() === 200, `/honours answers 200 to the city (got ${office && office.status()})`);
  await lookForDefects(page, 'honours campaigns');
  const campaigns = (await page.locator('main a[href^="/honours/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href'))))
    .filter((h) => /^\/honours\/\d+$/.test(h));
  check(campaigns.length > 0, `the city's campaigns are listed (${campaigns.length})`);
  if (campaigns.length > 0) {
    const href = campaigns[0];
    const r = await page.goto(href);
    check(r && r.status() === 200, `${href} answers 200`);
    await lookForDefects(page, `campaign ${href}`);
    await screenshot(page, 'honours-campaign-phone.png');
  }
  await logout(page);
});

/** Runs one SQL statement on the demo's SQLite database with the sqlite3
 *  command-line shell (the server keeps running: WAL lets both write). */
function demoSql(sql) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', join(DATA_DIR, 'jinguo.db'), sql], { encoding: 'utf8' }).trim();
}

/** Whether a PDF (as bytes) has exactly `n` pages, counted by its page objects. */
function pdfPages(buf) {
  return (buf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) || []).length;
}

step('honours story: the city issues, a village nominates, the township and the city recommend, a public objection is dismissed, the city publishes and prints', DESKTOP, async (page) => {
  // The certificate reads "在2026年度{TITLE}中".
  const TITLE = '最美家庭寻访活动';
  const FAMILY = '娜仁花家庭';
  const HEAD = '娜仁花';
  const CONSENT_BY = '娜仁花本人';

  // 锡林浩特市 issues a campaign: villages nominate, one family each, a 7-day notice.
  await login(page, 'xilinhot', XILINHOT);
  await page.goto('/honours/new');
  await page.locator('#title').fill(TITLE);
  await page.locator('#category').selectOption('family_most_beautiful');
  await page.locator('#nominating_level').selectOption('village');
  await page.locator('#quota').fill('1');
  check(await page.locator('#notice_days').inputValue() === '7', 'the notice period defaults to 7 days');
  await lookForDefects(page, 'campaign form');
  await screenshot(page, 'honours-story-issue.png');
  await submitVia(page, page.locator('form[action="/honours"] button[type="submit"]'));
  const m = pathOf(page).match(/^\/honours\/(\d+)$/);
  check(m !== null && page.url().includes('done=created'), `issuing leads to the campaign's page (${page.url()})`);
  const id = m ? m[1] : '0';
  await logout(page);

  // 伊利勒特嘎查 nominates a family on a phone-sized screen, with the consent.
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, 'yilelt', YILELT);
  await page.goto(`/honours/${id}`);
  await submitVia(page, page.locator(`a[href="/honours/${id}/nominate"]`));
  await page.locator('#display_name').fill(FAMILY);
  await page.locator('#person_name').fill(HEAD);
  await page.locator('#members').fill('4');
  await page.locator('#story').fill('夫妻和睦，孝老爱亲，带领嘎查妇女办起奶食品合作社，常年照顾两位独居老人。');
  await page.locator('#consent_given_by').fill(CONSENT_BY);
  await page.locator('#consent_method').selectOption({ index: 1 });
  await lookForDefects(page, 'nomination form (phone)');
  await screenshot(page, 'honours-story-nominate-phone.png');
  await submitVia(page, page.locator(`form[action="/honours/${id}/nominations"] button[type="submit"]`));
  check(page.url().includes(`/honours/${id}?done=nominated`), `the nomination is recorded (${page.url()})`);
  check((await text(page.locator('main'))).includes(FAMILY), 'the village sees its family on the campaign');
  await logout(page);

  // 宝力根苏木 recommends it up; the city shortlists it (its own step of recommending).
  await page.setViewportSize({ width: 1366, height: 900 });
  for (const [user, unit, what] of [['baoligen', BAOLIGEN, 'the township recommends'], ['xilinhot', XILINHOT, 'the city shortlists']]) {
    await login(page, user, unit);
    await page.goto(`/honours/${id}`);
    const card = page.locator('li.card', { hasText: FAMILY });
    check(await card.locator('form[action$="/recommend"]').count() === 1, `${what}: the family waits for ${user}`);
    await submitVia(page, card.locator('form[action$="/recommend"] button'));
    check(page.url().includes('done=recommended'), `${what} (${page.url()})`);
    if (user === 'baoligen') await logout(page);
  }
  await lookForDefects(page, 'campaign with a shortlisted family');
  await submitVia(page, page.locator(`form[action="/honours/${id}/notice"] button`));
  check(page.url().includes('done=notice'), `the city starts the public notice (${page.url()})`);
  await logout(page);

  // Anyone, on a phone and without logging in, reads the notice and objects.
  const browser = page.context().browser();
  const phone = await newContext(browser, new URL(page.url()).origin + '/', PHONE);
  const pub = await phone.newPage();
  try {
    const r = await pub.goto(`/public/honours/${id}`);
    check(r && r.status() === 200, `the notice answers 200 without login (${r && r.status()})`);
    const body = await text(pub.locator('main'));
    check(body.includes(FAMILY), 'the notice lists the family');
    check(!body.includes(CONSENT_BY) && !body.replaceAll(FAMILY, '').includes(HEAD),
      'the notice shows no person\'s name (only the published family name)');
    check(!/\d{17}[\dX]/.test(body) && !/1\d{10}/.test(body), 'the notice shows no ID or phone number');
    await lookForDefects(pub, 'public notice with the objection form (phone)');
    await pub.locator('#nomination_id').selectOption({ label: FAMILY });
    await pub.locator('#text').fill('该户去年曾因草场纠纷与邻居发生争执，建议核实。');
    await pub.locator('#contact').fill('13800001234');
    await screenshot(pub, 'honours-story-objection-phone.png');
    // The form waits for its proof of work, then goes by itself.
    await Promise.all([
      pub.waitForURL(/done=objection/, { timeout: 60000 }),
      pub.locator('form#ask button.send').click(),
    ]);
    check((await text(pub.locator('main'))).length > 0 && await pub.getByRole('status').count() > 0,
      'the objection is taken and she is told so');
    check(!(await text(pub.locator('main'))).includes('13800001234'), 'her contact is not shown on the public page');
    for (const p of phone.problems) page.context().problems.push(p);
  } finally {
    await phone.close();
  }

  // The city sees the objection: publishing is refused while the notice runs;
  // it dismisses the objection with a reason.
  await login(page, 'xilinhot', XILINHOT);
  await page.goto(`/honours/${id}`);
  const objection = page.locator('li.card', { hasText: '草场纠纷' });
  check(await objection.count() === 1, 'the objection is on the campaign\'s page');
  await submitVia(page, page.locator(`form[action="/honours/${id}/publish"] button`));
  check(page.url().includes('refused=err.honour.notice_running'), `publishing during the notice is refused (${page.url()})`);
  await objection.locator('input[name="upheld"][value="0"]').check();
  await objection.locator('input[name="reason"]').fill('经嘎查调解委员会核实，纠纷已于当年调解，不影响评选。');
  await lookForDefects(page, 'campaign with an open objection');
  await submitVia(page, objection.locator('form[action$="/decide"] button[type="submit"]'));
  check(page.url().includes('done=decided'), `the objection is dismissed (${page.url()})`);
  check((await text(page.locator('li.card', { hasText: '草场纠纷' }))).includes('调解委员会'), 'the reason is kept with it');

  // A week passes: the notice period lies behind us. (The demo's database is
  // moved, not the product's clock: there is no backdoor for this.)
  demoSql(`UPDATE honour_campaigns SET notice_start = date('now', '-10 days'), notice_end = date('now', '-4 days') WHERE id = ${Number(id)}`);
  check(demoSql(`SELECT notice_end < date('now') FROM honour_campaigns WHERE id = ${Number(id)}`) === '1', 'the notice has ended');
  await page.goto(`/honours/${id}`);
  await submitVia(page, page.locator(`form[action="/honours/${id}/publish"] button`));
  check(page.url().includes('done=published'), `the city publishes (${page.url()})`);
  await screenshot(page, 'honours-story-published.png');
  await logout(page);

  // The public page now carries the certificate, which prints on one A4 landscape page.
  await page.goto(`/public/honours/${id}`);
  const cert = page.locator('li.entry', { hasText: FAMILY }).locator('a.cert-link');
  check(await cert.count() === 1, 'the honoured family has a certificate');
  await submitVia(page, cert);
  check((await text(page.locator('main'))).includes(FAMILY), 'the certificate names the family');
  await lookForDefects(page, 'certificate (desktop)');
  await screenshot(page, 'honours-story-certificate.png');
  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true, preferCSSPageSize: true });
  writeFileSync(join(OUT_DIR, 'honours-story-certificate.pdf'), pdf);
  log('    ->  out/honours-story-certificate.pdf');
  check(pdf.subarray(0, 5).toString() === '%PDF-', 'the certificate prints to a PDF');
  check(pdfPages(pdf) === 1, `the certificate is one page (${pdfPages(pdf)})`);
});

step('demonstration sites: the city designates a federation with its score sheet, evaluates and revokes it; the league sees them by level', DESKTOP, async (page) => {
  await login(page, 'xilinhot', XILINHOT);
  const list = await page.goto('/demonstrations');
  check(list && list.status() === 200, `/demonstrations answers 200 (got ${list && list.status()})`);
  const rows = page.locator('main table.table a[href^="/demonstrations/"]');
  check(await rows.count() >= 3, `the demo's designations are listed (${await rows.count()})`);
  check(await page.locator('main .badge.status-revoked').count() >= 1, 'the revoked one is marked');
  await lookForDefects(page, 'demonstration list');
  await screenshot(page, 'demonstrations-list.png');

  await page.goto('/demonstrations/new');
  // The demo designated the first village federations; the last has none.
  const option = page.locator('select#site option[value^="organisation:"]').last();
  const value = await option.getAttribute('value');
  const site = (await option.innerText()).split(' · ')[0].trim();
  await page.locator('select#site').selectOption(value);
  await page.locator('#reason').fill('妇联执委分工明确，妇女议事会每月召开，带动周边嘎查。');
  // Weights that do not total 100 come back with the message, nothing saved.
  await page.locator('#item_weight_1').fill('50');
  await submitVia(page, page.locator('form[action="/demonstrations"] button[type="submit"]'));
  check((await text(page.locator('main'))).includes('各项分值合计必须是 100 分'), 'weights not totalling 100 are refused');
  check(await page.locator('select#site').inputValue() === value, 'the chosen site is kept');
  await lookForDefects(page, 'designation form with an error');
  await page.locator('#item_weight_1').fill('30');
  await screenshot(page, 'demonstrations-form.png');
  await submitVia(page, page.locator('form[action="/demonstrations"] button[type="submit"]'));
  const m = pathOf(page).match(/^\/demonstrations\/(\d+)$/);
  check(m !== null && page.url().includes('done=designated'), `designating leads to its page (${page.url()})`);
  const id = m ? m[1] : '0';
  check((await text(page.locator('h1'))) === site, `the page names the site (${site})`);

  // This year's evaluation: each item up to its points, the total added up.
  await page.locator('#score_0').fill('28');
  await page.locator('#score_1').fill('27');
  await page.locator('#score_2').fill('36');
  await page.locator('#note').fill('实地查看阵地，台账齐全。');
  await lookForDefects(page, 'designation page with the evaluation form');
  await submitVia(page, page.locator(`form[action="/demonstrations/${id}/evaluations"] button[type="submit"]`));
  check(page.url().includes('done=evaluated'), `the evaluation is saved (${page.url()})`);
  check((await text(page.locator('main table.table'))).includes('91'), 'the total 91 is shown');
  await screenshot(page, 'demonstrations-evaluated.png');

  // Revoked with a reason: no more evaluating.
  await page.locator('#revoke-reason').fill('复核发现妇女之家长期未开放，撤销示范称号。');
  await submitVia(page, page.locator(`form[action="/demonstrations/${id}/revoke"] button[type="submit"]`));
  check(page.url().includes('done=revoked'), `revoked (${page.url()})`);
  check(await page.locator('.badge.status-revoked').count() === 1, 'the page shows it revoked');
  check(await page.locator(`form[action="/demonstrations/${id}/evaluations"]`).count() === 0, 'a revoked one is not evaluated');
  await logout(page);

  // The league on a phone: its banners on the schematic map and by level.
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, 'xilingol', XILINGOL);
  await page.goto('/demonstrations');
  check(await page.locator('svg.choropleth').count() === 1, 'the league sees its banners on the map');
  const city = page.locator('main table.table tbody tr', { hasText: '锡林浩特市' }).first();
  check((await text(city)).length > 0, 'the city has its row in the counts by unit');
  await lookForDefects(page, 'demonstration list (league, phone)');
  await screenshot(page, 'demonstrations-league-phone.png');
  // The same page in Mongolian (kept on her account: set back after).
  await page.goto('/lang?set=mn-Mong&back=/demonstrations');
  check((await page.locator('html').getAttribute('lang')) === 'mn-Mong', 'the page is in Mongolian');
  check(/[\u1820-\u18AF]/.test(await text(page.locator('h1'))), 'its heading is in Mongolian script');
  await lookForDefects(page, 'demonstration list in Mongolian (league, phone)');
  await screenshot(page, 'demonstrations-league-mn-phone.png');
  await page.goto('/lang?set=zh-CN&back=/');
});

// Issue 17's tour: the pages a Mongolian-reading cadre and a woman on the
// public page use most, in Mongolian, on a phone and on a desktop. Each is
// checked by axe and for Mongolian text on its side, and photographed
// (out/mn-*.png) for a person to look at.
for (const [device, tag] of [[PHONE, 'phone'], [DESKTOP, 'desktop']]) {
  step(`Mongolian tour (${tag}): workbench, 记一笔, dashboard, task report, public help, a certificate`, device, async (page) => {
    await page.goto('/lang?set=mn-Mong&back=/help');
    check((await page.locator('html').getAttribute('lang')) === 'mn-Mong', 'the public help page is in Mongolian');
    await lookForDefects(page, `public help in Mongolian (${tag})`);
    await screenshot(page, `mn-help-${tag}.png`);
    // The demo publishes its campaigns in the background after it starts.
    let cert = null;
    for (let i = 0; i < 30 && !cert; i++) {
      if (i > 0) await page.waitForTimeout(2000);
      await page.goto('/public/honours');
      const notices = await page.locator('main a[href^="/public/honours/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      for (const href of notices.filter((h) => /^\/public\/honours\/\d+(\?.*)?$/.test(h))) {
        await page.goto(href);
        const c = page.locator('a[href*="/certificates/"]');
        if ((await c.count()) > 0) { cert = await c.first().getAttribute('href'); break; }
      }
    }
    check(cert !== null, 'a published campaign links a certificate');
    if (cert) {
      await page.goto(cert);
      check(/[\u1820-\u18AA]/.test(await text(page.locator('body'))), 'the certificate carries Mongolian');
      await lookForDefects(page, `certificate (${tag})`);
      await screenshot(page, `mn-certificate-${tag}.png`);
    }

    // A task for her to answer, issued by the city through the API.
    const origin = new URL(page.url()).origin;
    const session = await fetch(`${origin}/api/v1/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'xilinhot', password: PASSWORD }),
    }).then((r) => r.json());
    const deadline = new Date(Date.now() + 14 * 86400e3).toISOString().slice(0, 10);
    const issued = await fetch(`${origin}/api/v1/tasks`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        title: `牧区妇女培训需求摸底（${tag}）`, description: '请各嘎查填报', deadline,
        issuer_unit: XILINHOT, target_units: [YILELT],
        fields: [{ key: 'women', label: '有培训需求的妇女人数', type: 'integer', required: true, min: 0, max: 10000 }],
      }),
    });
    check(issued.ok, `the city issues a task to the village (${issued.status})`);

    await login(page, 'yilelt', YILELT);
    await page.goto('/lang?set=mn-Mong&back=/');
    await lookForDefects(page, `workbench in Mongolian (${tag})`);
    await screenshot(page, `mn-workbench-${tag}.png`);
    await page.goto('/activities/new');
    check(await page.locator('form input[name="title"]').count() === 1, '记一笔 opens in Mongolian');
    await lookForDefects(page, `记一笔 in Mongolian (${tag})`);
    await screenshot(page, `mn-record-${tag}.png`);
    await page.goto('/tasks');
    const id = (await page.locator('main a[href^="/tasks/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href'))))
      .map((h) => (h.match(/^\/tasks\/(\d+)(\?|$)/) || [])[1]).find(Boolean);
    check(id !== undefined, 'her task inbox lists a task');
    if (id !== undefined) {
      await page.goto(`/tasks/${id}/reports/${YILELT}`);
      await lookForDefects(page, `task report in Mongolian (${tag})`);
      await screenshot(page, `mn-report-${tag}.png`);
    }
    await page.goto('/lang?set=zh-CN&back=/');
    await logout(page);

    await login(page, 'xilinhot', XILINHOT);
    await page.goto(`/lang?set=mn-Mong&back=/dashboard/${XILINHOT}`);
    const crumbs = await text(page.locator('main .breadcrumbs'));
    check(/[\u1820-\u18AA]/.test(crumbs) && !crumbs.includes('锡林郭勒盟'), `the dashboard's path names the league in Mongolian (${crumbs.slice(0, 40)})`);
    await lookForDefects(page, `dashboard in Mongolian (${tag})`);
    await screenshot(page, `mn-dashboard-${tag}.png`);
    await page.goto('/lang?set=zh-CN&back=/');
  });
}

step('grassroots federations: the list, one federation, its election form and the coverage', DESKTOP, async (page) => {
  await login(page, 'xilinhot', XILINHOT);
  await page.goto('/organisations');
  await lookForDefects(page, 'organisations list');
  const first = page.locator('main a[href^="/organisations/"]').filter({ hasNotText: /新建|新增/ }).first();
  check(await first.count() === 1, 'the city lists its villages\' federations');
  const href = await first.getAttribute('href');
  await page.goto(href);
  check((await text(page.locator('main'))).includes('主席'), 'a federation shows its committee with a chair');
  await lookForDefects(page, 'one federation');
  await screenshot(page, 'organisation-desktop.png');
  await page.goto(`${href}/election`);
  await lookForDefects(page, 'election form');
  await page.goto(`/organisation-coverage?unit=${XILINHOT}`);
  await lookForDefects(page, 'organisation coverage');
  await screenshot(page, 'organisation-coverage-desktop.png');
});

step('training: 锡林浩特市 plans a class, baoligen enrols the chair of 伊利勒特嘎查, she scans the code on a phone, the city\'s coverage moves', PHONE, async (page) => {
  const stat = async (name) => Number((await text(page.locator(`[data-stat="${name}"]`))).split('/')[0].replace(/[^\d]/g, ''));
  await login(page, 'xilinhot', XILINHOT);
  await page.goto(`/training-coverage?unit=${XILINHOT}`);
  await lookForDefects(page, 'training coverage');
  const attendedBefore = await stat('attended');
  const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  // The programme and its class.
  await page.goto(`/training/programmes/new?unit=${XILINHOT}`);
  await lookForDefects(page, 'programme form');
  await page.locator('#title').fill('领头雁培训（浏览器测试）');
  await page.locator('#target').fill('40');
  await page.locator('#hours').fill('8');
  await Promise.all([page.waitForNavigation(), page.locator('main form button[type="submit"]').click()]);
  check(/^\/training\/programmes\/\d+$/.test(pathOf(page)), `the programme is planned (at ${pathOf(page)})`);
  await page.locator('main a[href$="/classes/new"]').click();
  await page.waitForLoadState('load');
  await lookForDefects(page, 'class form');
  await page.locator('#title').fill('第三期 嘎查妇联主席班');
  await page.locator('#starts_on').fill(today);
  await page.locator('#ends_on').fill(today);
  await page.locator('#place').fill('锡林浩特市委党校');
  await page.locator('#hours').fill('8');
  await page.locator('#capacity').fill('30');
  await page.locator('#p_unit_1').selectOption(BAOLIGEN);
  await page.locator('#p_places_1').fill('5');
  await Promise.all([page.waitForNavigation(), page.locator('main form button[type="submit"]').click()]);
  const classPath = pathOf(page);
  check(/^\/training\/classes\/\d+$/.test(classPath), `the class is added (at ${classPath})`);
  const classId = classPath.split('/').pop();
  await logout(page);

  // The township enrols the village chair, with her account.
  await login(page, 'baoligen', BAOLIGEN);
  await page.goto(`/training/enrol?unit=${BAOLIGEN}`);
  await lookForDefects(page, 'enrolment page');
  await page.locator('#class').selectOption(classId);
  const chair = await page.locator('#member option', { hasText: '伊利勒特嘎查' }).filter({ hasText: '主席' }).first().getAttribute('value');
  await page.locator('#member').selectOption(chair);
  const account = await page.locator('#account option', { hasText: 'yilelt' }).first().getAttribute('value');
  await page.locator('#account').selectOption(account);
  await Promise.all([page.waitForNavigation(), page.locator('main form button[type="submit"]').click()]);
  check((await text(page.locator('main'))).includes('报名成功'), 'baoligen enrolled the chair of 伊利勒特嘎查');
  await screenshot(page, 'training-enrol-phone.png');
  // The demo's finished class: a chair who completed it has her certificate.
  const cert = await page.locator('main a[href$="/certificate"]').first().getAttribute('href');
  const certAnswer = await page.goto(cert);
  check(certAnswer && certAnswer.status() === 200, `${cert} answers 200`);
  check((await text(page.locator('body'))).includes('结业证书'), 'the certificate names itself in Chinese');
  await lookForDefects(page, 'training certificate');
  await screenshot(page, 'training-certificate-phone.png');
  await page.goto('/');
  await logout(page);

  // The keeper's page shows the code; its address is what the QR encodes.
  await login(page, 'xilinhot', XILINHOT);
  await page.goto(classPath);
  await lookForDefects(page, 'class page with the code');
  await screenshot(page, 'training-class-phone.png');
  const url = await page.locator('[data-scan-url]').first().getAttribute('data-scan-url');
  check(url && url.includes('/training/scan?t='), `the class page carries the scan address (${url})`);
  await logout(page);

  // She opens it on her phone and signs in.
  await login(page, 'yilelt', YILELT);
  await page.goto(url);
  await lookForDefects(page, 'scan page');
  await Promise.all([page.waitForNavigation(), page.locator('main form button[type="submit"]').click()]);
  check((await text(page.locator('main'))).includes('签到成功'), 'her attendance is recorded');
  await screenshot(page, 'training-scan-phone.png');
  await logout(page);

  await login(page, 'xilinhot', XILINHOT);
  await page.goto(`/training-coverage?unit=${XILINHOT}`);
  const attendedAfter = await stat('attended');
  check(attendedAfter === attendedBefore + 1, `the city's coverage counts her attendance (${attendedBefore} -> ${attendedAfter})`);
  await screenshot(page, 'training-coverage-phone.png');
  await logout(page);
});

step('family-education sites: the registry, a site with its sessions, the roster and the family figures', DESKTOP, async (page) => {
  await login(page, 'xilinhot', XILINHOT);
  const list = await page.goto(`/family-sites?unit=${XILINHOT}`);
  check(list && list.status() === 200, `/family-sites answers 200 to the city (got ${list && list.status()})`);
  await lookForDefects(page, 'family-education sites');
  const first = page.locator('main table a[href^="/family-sites/"]').first();
  check(await first.count() === 1, 'the demo lists the city\'s sites');
  if (await first.count() === 1) {
    const href = await first.getAttribute('href');
    await page.goto(href);
    await lookForDefects(page, `site ${href}`);
    await screenshot(page, 'family-site-desktop.png');
    await page.goto(`${href}/sessions/new`);
    await lookForDefects(page, 'session form');
  }
  await page.goto('/family-sites/new');
  await lookForDefects(page, 'site form');
  await page.goto(`/family-counsellors?unit=${XILINHOT}`);
  check((await text(page.locator('main'))).includes('萨仁高娃'), 'the roster lists the demo counsellors');
  await lookForDefects(page, 'counsellors roster');
  await page.goto('/family-counsellors/new');
  await lookForDefects(page, 'counsellor form');
  await page.goto(`/family-figures?unit=${XILINHOT}`);
  await lookForDefects(page, 'family figures');
  await screenshot(page, 'family-figures-desktop.png');
  await page.goto('/activities/new');
  check(await page.locator('input[name="audiences"]').count() > 0, 'the activity form offers the audiences');
  await lookForDefects(page, 'activity form with audiences');
  await logout(page);
});

step('outline monitoring: the office\'s pages, and a health-bureau reporter on a phone', PHONE, async (page) => {
  await login(page, 'xilingol', XILINGOL);
  for (const path of ['/outlines', '/outlines/catalogue', '/outlines/review']) {
    const res = await page.goto(path);
    check(res && res.status() === 200, `${path} answers 200 (got ${res && res.status()})`);
    await lookForDefects(page, `${path} (phone)`);
  }
  await screenshot(page, 'outlines-review-phone.png');
  await logout(page);
  await login(page, 'xlgl-health', XILINGOL);
  const res = await page.goto('/outlines/report');
  check(res && res.status() === 200, `the reporter's form answers 200 (got ${res && res.status()})`);
  await lookForDefects(page, 'outline report form (phone)');
  await screenshot(page, 'outlines-report-phone.png');
  const cases = await page.goto('/cases');
  check(cases && cases.status() === 403, `a department reporter sees no cases (got ${cases && cases.status()})`);
});

// The outline story of issue 16: the health bureau of 锡林郭勒盟 enters
// maternal mortality (deaths over live births) for last year on a phone, the
// league's office approves it, and the region sees the league's ratio and
// its attainment; then the annual report printed to PDF (A4 portrait).
const OUTLINE_YEAR = String(new Date().getFullYear() - 1);
const MMR = '孕产妇死亡率';

step('outline story: xilingol reminds the health bureau, which reports maternal mortality on a phone; xilingol approves', PHONE, async (page) => {
  // The office reminds the departments that have not reported.
  await login(page, 'xilingol', XILINGOL);
  await page.goto(`/outlines/unreported?unit=${XILINGOL}&year=${OUTLINE_YEAR}`);
  check((await text(page.locator('main'))).includes(MMR), 'maternal mortality is among the unreported indicators');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('form[action="/outlines/unreported/remind"] button').click(),
  ]);
  const sent = await text(page.locator('p.notice[role="status"]'));
  check(/已向 [1-9]\d* 名部门填报员发送提醒/.test(sent), `reminders sent ("${sent}")`);
  await lookForDefects(page, 'unreported list with reminders sent (phone)');
  await logout(page);

  await login(page, 'xlgl-health', XILINGOL);
  await page.goto('/notices');
  const reminder = page.locator('ul.notices li', { hasText: `请填报并提交 ${OUTLINE_YEAR} 年两纲监测指标` }).first();
  check(await reminder.count() === 1, 'the reporter finds the reminder in her notices');
  await lookForDefects(page, 'notices with an outline reminder (phone)');
  await screenshot(page, 'outlines-story-notices-phone.png');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    reminder.locator(`a[href="/outlines/report?year=${OUTLINE_YEAR}"]`).click(),
  ]);
  check(pathOf(page) === '/outlines/report', `the reminder leads to her form (at ${pathOf(page)})`);
  const card = page.locator('fieldset.entry-card').filter({ has: page.locator('legend', { hasText: MMR }) }).first();
  check(await card.count() === 1, `the form has ${MMR}`);
  // 3 deaths in 30,000 live births: 10 per 100,000, under the 2030 target of 12.
  await card.locator('input[name^="n_"]').fill('3');
  await card.locator('input[name^="d_"]').fill('30000');
  await card.locator('input[name^="src_"]').fill('盟卫健委妇幼卫生年报');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('form[method="post"][action="/outlines/report"] button.primary').click(),
  ]);
  check(page.url().includes('done=saved'), `saved (at ${page.url()})`);
  check(await card.locator('input[name^="d_"]').inputValue() === '30000', 'the live births come back as saved');
  await lookForDefects(page, 'outline report form, saved (phone)');
  await screenshot(page, 'outlines-story-report-phone.png');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('form[action="/outlines/report/submit"] button').click(),
  ]);
  check(page.url().includes('done=submitted'), `submitted (at ${page.url()})`);
  await logout(page);

  await login(page, 'xilingol', XILINGOL);
  await page.goto(`/outlines/review?unit=${XILINGOL}&year=${OUTLINE_YEAR}`);
  const approve = page.locator(`form[action="/outlines/review/${OUTLINE_YEAR}/${XILINGOL}/health/approve"] button`);
  check(await approve.count() === 1, 'the office sees the health report of 锡林郭勒盟 waiting');
  const report = await text(page.locator('main'));
  check(report.includes(MMR) && report.includes('30000'), 'the report shows maternal mortality with its live births');
  await lookForDefects(page, 'outline review (phone)');
  await screenshot(page, 'outlines-story-review-phone.png');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), approve.click()]);
  check(page.url().includes('done=approved'), `approved (at ${page.url()})`);
});

step('outline story: the region sees 锡林郭勒盟\'s ratio and attainment, and prints the annual report', DESKTOP, async (page) => {
  await login(page, 'admin', REGION);
  const res = await page.goto(`/outlines?unit=${REGION}&year=${OUTLINE_YEAR}`);
  check(res && res.status() === 200, `the region's attainment page answers 200 (got ${res && res.status()})`);
  // The leagues side by side: 锡林郭勒盟's column holds 3 / 30,000 × 100,000 = 10, attained.
  const head = page.locator('section table.plain thead th');
  const names = await head.allInnerTexts();
  const col = names.findIndex((n) => n.includes('锡林郭勒盟'));
  check(col > 0, `the side-by-side table has a column for 锡林郭勒盟 (${names.join(' | ')})`);
  const row = page.locator('section table.plain tbody tr').filter({ has: page.locator('th', { hasText: MMR }) }).first();
  const cell = (await row.locator('th, td').nth(col).innerText()).replace(/\s+/g, ' ').trim();
  check(cell.startsWith('10') && cell.includes('已达标'), `锡林郭勒盟's maternal mortality reads 10, attained (got "${cell}")`);
  const own = page.locator('section table.table:not(.plain) tbody tr').filter({ hasText: MMR }).first();
  const ownText = (await own.innerText()).replace(/\s+/g, ' ');
  check(/已达标|进度正常|进度滞后/.test(ownText), `the region's own row has its attainment in words ("${ownText.slice(0, 80)}")`);
  await lookForDefects(page, 'region attainment page');
  await screenshot(page, 'outlines-story-region-desktop.png');

  for (const path of [`/outlines/targets?unit=${REGION}`, `/outlines/reporters?unit=${XILINGOL}`, '/outlines/catalogue']) {
    const r = await page.goto(path);
    check(r && r.status() === 200, `${path} answers 200 (got ${r && r.status()})`);
    await lookForDefects(page, path);
  }
  const edit = page.locator('a[href$="/edit"]').first();
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), edit.click()]);
  check(pathOf(page).startsWith('/outlines/catalogue/'), `a catalogue row opens for editing (at ${pathOf(page)})`);
  await lookForDefects(page, 'catalogue row form');
  await screenshot(page, 'outlines-catalogue-edit-desktop.png');

  const p = await page.goto(`/outlines/print?unit=${REGION}&year=${OUTLINE_YEAR}`);
  check(p && p.status() === 200, `the print page answers 200 (got ${p && p.status()})`);
  const title = await text(page.locator('h1'));
  check(title.includes('内蒙古自治区') && title.includes(OUTLINE_YEAR), `the print page names the unit and the year ("${title}")`);
  const body = await text(page.locator('main'));
  check(body.includes('打印日期'), 'the print page has the date printed');
  check(body.includes('【演示】'), 'invented indicators keep their 【演示】 mark on paper');
  await lookForDefects(page, 'print page');
  await page.emulateMedia({ media: 'print' });
  check(!(await page.locator('nav.no-print').isVisible()), 'the page tools are not printed');
  await screenshot(page, 'outlines-print-desktop.png');
  const pdf = await page.pdf({ path: join(OUT_DIR, 'outlines-print.pdf'), format: 'A4', printBackground: true, preferCSSPageSize: true });
  check(pdf.length > 10000 && pdf.subarray(0, 5).toString() === '%PDF-', `the report prints to a PDF (${pdf.length} bytes)`);
  // A4 portrait: 595 × 842 points.
  const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
  check(box && Math.round(Number(box[1])) === 595 && Math.round(Number(box[2])) === 842, `the PDF pages are A4 portrait (${box && box.slice(1).join(' × ')})`);
  log('    ->  out/outlines-print.pdf');
  await page.emulateMedia({ media: 'screen' });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await lookForDefects(page, 'print page (phone width)');
  await screenshot(page, 'outlines-print-phone.png');
});

step('auditor opens /audit', DESKTOP, async (page) => {
  await login(page, 'auditor', REGION);
  check(await page.locator('nav.menu a[href="/audit"]').count() === 1, 'menu links to /audit');
  check(await page.locator('nav.menu a[href="/users"]').count() === 0, 'menu has no /users link for the auditor');
  const res = await page.goto('/audit');
  check(res && res.status() === 200, `/audit answers 200 (got ${res && res.status()})`);
  check(pathOf(page) === '/audit', `still on /audit (at ${pathOf(page)})`);
  const h1 = await text(page.locator('h1'));
  check(h1.length > 0, `audit page has a heading ("${h1}")`);
  await lookForDefects(page, 'audit page');
  await screenshot(page, 'audit-desktop.png');
  // Separation of duties: figures yes, personal data no.
  for (const href of ['/households', '/needs', '/activities/new', '/help-requests']) {
    check(await page.locator(`nav.menu a[href="${href}"]`).count() === 0, `menu has no ${href} link for the auditor`);
  }
  const households = await page.goto('/households');
  check(households && households.status() === 403, `/households answers 403 to the auditor (got ${households && households.status()})`);
  const dash = await page.goto(`/dashboard/${REGION}`);
  check(dash && dash.status() === 200, `the auditor reads the region's figures (got ${dash && dash.status()})`);
});

/** A 1×1 PNG, for photos sent through the outbox. */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** The outbox's entries as IndexedDB holds them (null: no outbox database). */
async function outboxEntries(page) {
  return page.evaluate(() => new Promise((resolve) => {
    indexedDB.databases().then((dbs) => {
      if (!dbs.some((d) => d.name === 'jinguo-outbox')) return resolve(null);
      const open = indexedDB.open('jinguo-outbox');
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('entries')) { db.close(); return resolve(null); }
        const all = db.transaction('entries').objectStore('entries').getAll();
        all.onsuccess = () => { db.close(); resolve(all.result); };
      };
      open.onerror = () => resolve(null);
    });
  }));
}

/** Evaluates `fn` in the page (awaiting what it returns) until it gives a
 *  truthy value, and resolves to that value. */
async function until(page, fn, what, timeout = 30000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn).catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new CheckFailed(`timed out waiting for ${what}`);
    await page.waitForTimeout(250);
  }
}

/** Waits until the phone has synced once (its key, its kept pages, its
 *  household directory), as it does on any page while in range. */
async function waitForSync(page) {
  await until(page, () => window.jinguoOutbox && window.jinguoOutbox.state.lastSync && window.jinguoOutbox.idle(),
    'a finished sync');
  await until(page, async () => (await caches.open('jinguo-pages').then((c) => c.keys())).length >= 3,
    'the kept pages');
}

step('a lost answer: the record waits in the outbox with its key, and sent from there counts once; a refused one is corrected', PHONE, async (page) => {
  await login(page, 'yilelt', YILELT);
  const title = '离线宣讲进牧户';
  await page.goto('/activities/new');
  await waitForSync(page);
  await page.locator('#type').selectOption('lecture');
  await page.locator('#title').fill(title);
  await page.locator('#participants').fill('7');
  const saveButton = page.locator('form.form button.primary[type="submit"]');

  // The record reaches the server but the answer is lost on the way back:
  // the phone cannot know, so the record goes to the outbox with the key
  // it was sent with, and sending it from there records it once.
  await page.route('**/activities', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    await route.fetch({ maxRedirects: 0 });
    await route.abort('internetdisconnected');
  });
  await saveButton.click();
  const notice = page.locator('[data-draft-notice]');
  await notice.waitFor();
  check((await text(notice)).includes('待发送'), `the form says the record waits in the outbox ("${await text(notice)}")`);
  check(await page.locator('#title').inputValue() === '', 'the form is emptied for the next record');
  await page.unroute('**/activities');
  const queued = await outboxEntries(page);
  check(queued && queued.length === 1, `one entry in the outbox (got ${queued && queued.length})`);
  check(await page.evaluate(() => localStorage.getItem('jinguo-draft-activity-new')) === null, 'the draft went into the outbox');
  await page.goto('/outbox');
  await page.locator('[data-outbox-send]').click();
  await page.locator('[data-outbox-sent] li').first().waitFor();
  await page.locator('[data-outbox-empty]').waitFor({ state: 'visible' });
  check((await outboxEntries(page)).length === 0, 'the outbox is empty once sent');
  await page.goto('/activities');
  const rows = await page.locator('main tr', { hasText: title }).count();
  check(rows === 1, `recorded once although it reached the server twice (rows: ${rows})`);
  await waitForSync(page);

  // A record the server refuses stays, with its message, and is corrected
  // on its form.
  const context = page.context();
  await context.setOffline(true);
  await page.goto('/activities/new');
  const wrong = '人数有误的宣讲';
  await page.locator('#type').selectOption('lecture');
  await page.locator('#title').fill(wrong);
  await page.locator('#participants').fill('5');
  await page.locator('#women').fill('9');
  await saveButton.click();
  await page.locator('[data-draft-notice]', { hasText: '共 1 条' }).waitFor();
  await context.setOffline(false);
  await page.goto('/outbox');
  const refused = page.locator('[data-outbox-list] tbody tr .field-error');
  await refused.waitFor();
  check((await text(refused)).length > 0, `the server's message is kept with the record ("${await text(refused)}")`);
  await lookForDefects(page, 'outbox with a refused record (phone)');
  await screenshot(page, 'outbox-refused-phone.png');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('[data-outbox-list] button', { hasText: '修改' }).click(),
  ]);
  check(pathOf(page) === '/activities/new', `修改 opens its form (at ${pathOf(page)})`);
  check(await page.locator('#title').inputValue() === wrong, 'the form holds the refused record');
  await page.locator('#women').fill('3');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    saveButton.click(),
  ]);
  check(pathOf(page) === '/activities', `corrected, it is saved (at ${pathOf(page)})`);
  check((await page.locator('main tr', { hasText: wrong }).count()) === 1, 'the corrected record is in the ledger once');
  check((await outboxEntries(page)).length === 0, 'and no longer in the outbox');

  // The send without an answer and the refused one are what this step is about.
  const problems = page.context().problems;
  const rest = problems.filter((p) => !p.includes('net::ERR_INTERNET_DISCONNECTED'));
  check(problems.length - rest.length === 1, 'exactly the send without an answer failed to load');
  const others = rest.filter((p) => !/\/activities on .*\/outbox: .*status of 422/.test(p));
  check(rest.length - others.length === 1, 'and the outbox\'s refused send answered 422');
  problems.splice(0, problems.length, ...others);
});

step('no signal on the steppe: two activities and a visit recorded offline, sent once each when back in range', PHONE, async (page) => {
  const context = page.context();
  await login(page, 'yilelt', YILELT);
  // In range, she registers a household (with its consent), then the
  // phone syncs: its key, its kept pages, the encrypted household list.
  await page.goto('/households/new');
  await page.locator('#address').fill('伊利勒特嘎查三组');
  await page.locator('#m0-name').fill('斯琴高娃');
  await page.locator('#m0-birth_year').fill('1979');
  await page.locator('#consent_given_by').fill('斯琴高娃');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('form.form button.primary[type="submit"]').click(),
  ]);
  const household = pathOf(page).split('/')[2];
  check(/^\d+$/.test(household), `the household is registered (at ${pathOf(page)})`);
  await page.goto('/outbox');
  await until(page, async () => {
    const d = await window.jinguoOutbox.directory().catch(() => null);
    return d && d.list.length > 0;
  }, 'the household directory');
  await waitForSync(page);
  await lookForDefects(page, 'outbox (phone)');

  // Out of range: 记一笔 twice from the kept form, then the page reloaded.
  await context.setOffline(true);
  await page.goto('/activities/new');
  check(pathOf(page) === '/activities/new', 'the kept 记一笔 form opens offline');
  const titles = ['牧区离线宣讲一', '牧区离线宣讲二'];
  for (const [i, title] of titles.entries()) {
    await page.locator('#type').selectOption('lecture');
    await page.locator('#title').fill(title);
    await page.locator('#participants').fill(String(10 + i));
    await page.locator('#women').fill(String(5 + i));
    // The first goes with a photo: it queues too.
    if (i === 0) await page.locator('#photo').setInputFiles({ name: 'lecture.png', mimeType: 'image/png', buffer: TINY_PNG });
    await page.locator('form.form button.primary[type="submit"]').click();
    await page.locator('[data-draft-notice]', { hasText: `共 ${i + 1} 条` }).waitFor();
  }
  check((await text(page.locator('[data-net-status]'))).includes('2 条待发送'), 'the header counts 2 waiting');
  await screenshot(page, 'outbox-queued-phone.png');
  await page.reload();
  check(await page.locator('.copy-notice').count() === 1, 'a kept page says it is a copy, with its time');
  await lookForDefects(page, 'activity form from the copy, offline (phone)');

  // A visit from the kept visit form: the household from the encrypted directory.
  await page.goto('/outbox/visit');
  await page.locator(`#household option[value="${household}"]`).waitFor({ state: 'attached' });
  await page.locator('#household').selectOption(household);
  await page.locator('#visitors').fill('乌云');
  await page.locator('#notes').fill('离线走访：家中一切安好');
  await lookForDefects(page, 'offline visit form (phone)');
  await page.locator('form.form button.primary[type="submit"]').click();
  await page.locator('[data-draft-notice]', { hasText: '共 3 条' }).waitFor();
  const stored = await outboxEntries(page);
  check(stored.length === 3, `three entries wait (got ${stored.length})`);
  const visit = stored.find((e) => e.kind === 'visit');
  check(visit && !visit.fields && visit.sealed && !JSON.stringify(visit).includes('离线走访'),
    'the visit is stored encrypted: its notes are not readable in IndexedDB');
  await page.goto('/outbox');
  await page.locator('[data-outbox-list] tbody tr').nth(2).waitFor();
  check(await page.locator('[data-outbox-list] tbody tr').count() === 3, 'the outbox page lists the three');
  await screenshot(page, 'outbox-offline-phone.png');

  // Back in range, but her session ended meanwhile: the outbox asks her
  // to log in and keeps everything.
  await context.clearCookies();
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.locator('[data-net-status]', { hasText: '登录已过期' }).waitFor();
  check((await outboxEntries(page)).length === 3, 'an ended session keeps the three waiting');
  await screenshot(page, 'outbox-expired-phone.png');

  // Logged in again: the outbox sends itself, in order, once each.
  await login(page, 'yilelt', YILELT);
  await page.goto('/outbox');
  const left = await until(page, async () => {
    const all = await window.jinguoOutbox.entries();
    const done = all.length === 0 || all.some((e) => e.status !== 'pending');
    return done && { left: all.map((e) => `${e.label}: ${e.status} ${e.message}`) };
  }, 'the outbox to send');
  check(left.left.length === 0, `all three sent after the login (left: ${left.left.join('; ')})`);
  await lookForDefects(page, 'outbox after sending (phone)');
  await page.goto('/activities');
  for (const title of titles) {
    const n = await page.locator('main tr', { hasText: title }).count();
    check(n === 1, `${title} recorded once (rows: ${n})`);
  }
  const photos = await page.locator('main tr', { hasText: titles[0] }).locator('td.thumb-cell img').count();
  check(photos === 1, `the queued photo arrived with its activity (photos: ${photos})`);
  await page.goto(`/households/${household}`);
  check((await text(page.locator('main'))).includes('离线走访：家中一切安好'), 'the visit is on the household\'s page');

  // Logging out with something queued warns, then leaves nothing readable.
  await context.setOffline(true);
  await page.goto('/activities/new');
  await page.locator('#type').selectOption('send_law');
  await page.locator('#title').fill('退出前未发送');
  await page.locator('#participants').fill('3');
  await page.locator('form.form button.primary[type="submit"]').click();
  await page.locator('[data-draft-notice]', { hasText: '共 1 条' }).waitFor();
  // Back in range only for the logout: the outbox cannot send meanwhile.
  await context.route('**/outbox/key', (route) => route.abort('internetdisconnected'));
  await context.setOffline(false);
  let warned = '';
  page.once('dialog', (d) => { warned = d.message(); d.accept(); });
  await logout(page);
  await context.unroute('**/outbox/key');
  check(warned.includes('1 条记录没有发送'), `logout warns about the unsent record ("${warned}")`);
  check(pathOf(page) === '/login', `logged out (at ${pathOf(page)})`);
  check(await outboxEntries(page) === null, 'nothing of the outbox is left in IndexedDB');
  const problems = context.problems;
  const rest = problems.filter((p) => !p.includes('net::ERR_INTERNET_DISCONNECTED'));
  problems.splice(0, problems.length, ...rest);

  // The township's figures count the two offline activities.
  await login(page, 'baoligen', BAOLIGEN);
  await page.goto('/activities');
  for (const title of titles) {
    check((await page.locator('main tr', { hasText: title }).count()) === 1, `the township's ledger lists ${title}`);
  }
});

step('a lost phone: an administrator ends her sessions, and the visit it queued can no longer be read', PHONE, async (page) => {
  const context = page.context();
  await login(page, 'yilelt', YILELT);
  const origin = new URL(page.url()).origin;
  await page.goto('/households/new');
  await page.locator('#address').fill('伊利勒特嘎查五组');
  await page.locator('#m0-name').fill('阿拉坦其其格');
  await page.locator('#m0-birth_year').fill('1983');
  await page.locator('#consent_given_by').fill('阿拉坦其其格');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('form.form button.primary[type="submit"]').click(),
  ]);
  const household = pathOf(page).split('/')[2];
  await page.goto('/outbox');
  await until(page, async () => {
    const d = await window.jinguoOutbox.directory().catch(() => null);
    return d && d.list.some((h) => h.head === '阿拉坦其其格');
  }, 'the household in the directory');
  await waitForSync(page);

  await context.setOffline(true);
  await page.goto('/outbox/visit');
  await page.locator(`#household option[value="${household}"]`).waitFor({ state: 'attached' });
  await page.locator('#household').selectOption(household);
  await page.locator('#visitors').fill('其其格');
  await page.locator('#notes').fill('丢失手机前记录的走访');
  await page.locator('form.form button.primary[type="submit"]').click();
  await page.locator('[data-draft-notice]', { hasText: '共 1 条' }).waitFor();

  // Meanwhile the city's administrator resets her password: her sessions
  // end and her outbox key with them.
  const session = await fetch(`${origin}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'xilinhot', password: PASSWORD }),
  }).then((r) => r.json());
  const auth = { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/json' };
  const users = await fetch(`${origin}/api/v1/users?unit=${YILELT}`, { headers: auth }).then((r) => r.json());
  const list = Array.isArray(users) ? users : (users.users || users.items || []);
  const yilelt = list.find((u) => u.username === 'yilelt');
  check(!!yilelt, 'the administrator finds her account');
  const reset = await fetch(`${origin}/api/v1/users/${yilelt.id}/password`, {
    method: 'POST', headers: auth, body: JSON.stringify({ password: 'Reset-by-city-7' }),
  });
  check(reset.ok, `the administrator resets her password (${reset.status})`);

  // Back in range, she logs in with it, chooses her own again, and the
  // phone finds a new key: the visit queued under the old one is unreadable.
  await context.setOffline(false);
  await submitLogin(page, 'yilelt', 'Reset-by-city-7');
  check(pathOf(page) === '/account/password', `asked for her own password first (at ${pathOf(page)})`);
  await page.locator('#current_password').fill('Reset-by-city-7');
  await page.locator('#new_password').fill(PASSWORD);
  await page.locator('#new_password_repeat').fill(PASSWORD);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('form.form button.primary[type="submit"]').click(),
  ]);
  await page.goto('/outbox');
  const row = page.locator('[data-outbox-list] tbody tr', { hasText: '无法读取' });
  await row.waitFor({ timeout: 30000 });
  check(await row.locator('button', { hasText: '修改' }).count() === 0, 'an unreadable record cannot be corrected, only discarded');
  check((await page.locator('[data-outbox-list] tbody tr').count()) === 1, 'it is the only entry');
  const readable = await page.evaluate(async () => {
    const [e] = await window.jinguoOutbox.entries();
    return window.jinguoOutbox.read(e).then(() => true, () => false);
  });
  check(readable === false, 'the old key is gone: the visit cannot be decrypted');
  await lookForDefects(page, 'outbox with an unreadable record (phone)');
  await screenshot(page, 'outbox-unreadable-phone.png');
  page.once('dialog', (d) => d.accept());
  await page.locator('[data-outbox-list] button', { hasText: '删除' }).click();
  await page.locator('[data-outbox-empty]').waitFor({ state: 'visible' });
  await page.goto(`/households/${household}`);
  check(!(await text(page.locator('main'))).includes('丢失手机前记录的走访'), 'the visit never arrived');
});

// ---------------------------------------------------------------- main

async function main() {
  if (!existsSync(BIN)) {
    throw new Error(`jinguo binary not found at ${BIN}; run \`cargo build\` or set JINGUO_BIN`);
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}; install it (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });

  const dataDir = mkdtempSync(join(tmpdir(), 'jinguo-e2e-'));
  DATA_DIR = dataDir;
  let server;
  let browser;
  try {
    server = startServer(dataDir);
    const base = await server.ready;
    log(`server at ${base} (data in ${dataDir})`);
    await waitForHealthz(base);
    log('healthz ok');
    await server.modules;
    log('demo module records ready');

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    log(`browser: Chromium ${browser.version()}`);

    const only = process.env.E2E_ONLY;
    for (const s of steps.filter((x) => !only || only.split('|').some((o) => x.name.includes(o)))) {
      log(`\n▶ ${s.name}`);
      const context = await newContext(browser, base, s.device);
      const page = await context.newPage();
      const started = Date.now();
      try {
        await s.fn(page);
        for (const p of context.problems) {
          failures.push(`${s.name}: ${p}`);
          log(`    FAIL ${p}`);
        }
        if (context.problems.length === 0) log(`  passed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (e) {
        const msg = e instanceof CheckFailed ? e.message : (e.stack || String(e));
        failures.push(`${s.name}: ${msg}`);
        log(`    FAIL ${msg}`);
        for (const p of context.problems) log(`         (also: ${p})`);
        const name = 'FAILED-' + s.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 50) + '.png';
        await screenshot(page, name).catch(() => {});
        log(`         page was ${page.url()}`);
      } finally {
        await context.close();
      }
    }
  } catch (e) {
    failures.push(e.message);
    log(`\nFAIL ${e.message}`);
    if (server) log(`--- server output ---\n${server.output()}\n---------------------`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    await stopServer(server);
    if (process.env.E2E_KEEP_DATA) log(`kept demo data in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }

  log('');
  for (const w of warnings) log(`warning: ${w}`);
  if (failures.length) {
    log(`\n${failures.length} check(s) FAILED:`);
    for (const f of failures) log(`  - ${f}`);
    process.exitCode = 1;
  } else {
    log(`all ${steps.length} e2e steps passed; screenshots in ${OUT_DIR}`);
  }
}

main().catch((e) => {
  console.error(`FAIL ${e.message}`);
  process.exitCode = 1;
});
