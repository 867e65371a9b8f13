// Shared helpers of the browser tests: the base URL, one Chromium per test file, a logged-in
// page in a fresh context per test, screenshots, and 身份证号 (GB 11643) arithmetic.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the server under test listens (set by run.sh). */
export const BASE = (process.env.JICENG_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');

/** Screenshots land here (gitignored). */
export const SHOTS = process.env.JICENG_SCREENSHOTS || path.join(here, '..', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

/** All demo accounts share this password. */
export const PASSWORD = process.env.JICENG_DEMO_PASSWORD || 'jiceng2026';

/** Role labels as the header shows them ("显示名（角色）"). */
export const ROLE_LABELS = {
  admin: '组织部管理员',
  college: '院级党委管理员',
  inspector: '督查组',
  branch: '党支部管理员',
  member: '党员',
};

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

/** Launches Debian's Chromium (no browser download). */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * A fresh context logged in as `user`; returns { context, page } with the page on the dashboard.
 * `opts.viewport` defaults to a desktop size; `opts.mobile` sets touch + device scale for phones.
 */
export async function login(browser, user, opts = {}) {
  const context = await browser.newContext({
    baseURL: BASE,
    viewport: opts.viewport || DESKTOP,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...(opts.mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  context.setDefaultTimeout(20_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  // data-confirm forms ask window.confirm(); accept so a click does what it says.
  page.on('dialog', (d) => d.accept().catch(() => {}));
  await page.goto('/login');
  await page.locator('#username').fill(user);
  await page.locator('#password').fill(opts.password || PASSWORD);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.getByRole('button', { name: '登录' }).click(),
  ]);
  assert.equal(new URL(page.url()).pathname, '/', `after login as ${user} the dashboard opens`);
  return { context, page };
}

/** Full-page PNG into e2e/screenshots/<name>.png. */
export async function shot(page, name, { fullPage = true } = {}) {
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** Trimmed inner texts of every match. */
export async function texts(locator) {
  return (await locator.allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
}

/** Header text "显示名（角色）". */
export async function whoText(page) {
  return (await page.locator('header .who span').first().innerText()).trim();
}

/** The body must not scroll sideways (phone layouts). Returns [scrollWidth, innerWidth]. */
export async function horizontalOverflow(page) {
  return page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
}

// ---- 身份证号 (GB 11643-1999) ----

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The check character of the first 17 digits. */
export function checkDigit(first17) {
  assert.match(first17, /^\d{17}$/);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

/** A wrong (but well-formed) check character for the same 17 digits. */
export function wrongCheckDigit(first17) {
  const right = checkDigit(first17);
  return right === '1' ? '2' : '1';
}

/**
 * A valid 18-character 身份证号 for a birth date ("1990-03-15") and gender, with a random
 * sequence so repeated runs against one server do not collide.
 */
export function makeIdCard(birth, male = true, region = '110105') {
  const ymd = birth.replaceAll('-', '');
  assert.match(ymd, /^\d{8}$/);
  const seq = String(Math.floor(Math.random() * 100)).padStart(2, '0');
  let g = Math.floor(Math.random() * 5) * 2; // even 0..8
  if (male) g += 1;
  const first17 = `${region}${ymd}${seq}${g}`;
  return first17 + checkDigit(first17);
}

/** A short random tag for names and numbers unique to one run. */
export function runTag() {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`.slice(-6);
}

/** The same tag in Chinese numerals ("三七二"), for unique names that still look like names. */
export function cnTag(n = 3) {
  const d = '零一二三四五六七八九';
  let s = '';
  for (let i = 0; i < n; i++) s += d[Math.floor(Math.random() * 10)];
  return s;
}

/** A date `days` before today in China (the server's calendar), as YYYY-MM-DD. */
export function daysAgo(days) {
  return new Date(Date.now() + 8 * 3600_000 - days * 86_400_000).toISOString().slice(0, 10);
}
