// Privacy and robustness in the browser: the login form's CSRF token, personal pages not cached,
// and the inspector's audit log without a full 身份证号 or phone number.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot, BASE, PASSWORD, DESKTOP } from '../lib/helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the login form carries a CSRF token and refuses a post without its cookie', async () => {
  const context = await browser.newContext({ baseURL: BASE, viewport: DESKTOP, locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    await page.goto('/login');
    const token = await page.locator('input[type="hidden"][name="_csrf"]').getAttribute('value');
    assert.ok(token && token.length >= 32, `a token in the form: ${token}`);
    const cookies = await context.cookies();
    const c = cookies.find((x) => x.name === 'jiceng_login_csrf');
    assert.ok(c, 'a login CSRF cookie');
    assert.equal(c.value, token, 'the cookie holds the form token (double submit)');
    assert.equal(c.sameSite, 'Strict');
    assert.ok(c.httpOnly);

    // Without the cookie (another site's form, an expired tab) the post is refused, name kept.
    await page.locator('#username').fill('college');
    await page.locator('#password').fill(PASSWORD);
    await context.clearCookies();
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '登录' }).click()]);
    await page.locator('.alert.error').waitFor();
    assert.match(await page.locator('.alert.error').innerText(), /登录表单已过期/);
    assert.equal(await page.locator('#username').inputValue(), 'college');
    assert.equal(new URL(page.url()).pathname, '/login');
    await shot(page, 'privacy-login-csrf-refused');

    // The re-rendered form has a fresh token: typing the password again logs in.
    await page.locator('#password').fill(PASSWORD);
    await Promise.all([
      page.waitForURL((u) => !u.pathname.startsWith('/login')),
      page.getByRole('button', { name: '登录' }).click(),
    ]);
    assert.equal(new URL(page.url()).pathname, '/');
  } finally {
    await context.close();
  }
});

test('member pages and the roster export are sent with Cache-Control: private, no-store', async () => {
  const { context, page } = await login(browser, 'college');
  try {
    const roster = await page.goto('/members');
    assert.match(roster.headers()['cache-control'] || '', /private.*no-store|no-store.*private/);
    const href = await page.locator('table a[href^="/members/"]').first().getAttribute('href');
    const detail = await page.goto(href);
    assert.equal(detail.status(), 200);
    assert.match(detail.headers()['cache-control'] || '', /no-store/);
    const exp = await context.request.get('/members/export.xlsx');
    assert.equal(exp.status(), 200);
    assert.match(exp.headers()['cache-control'] || '', /no-store/);
  } finally {
    await context.close();
  }
});

test('the inspector reads the audit log with masked numbers', async () => {
  // The unit admin records a member with a full 身份证号 and phone number…
  const admin = await login(browser, 'college');
  let card;
  const phone = '13912345678';
  try {
    const me = await (await admin.context.request.get('/api/v1/me')).json();
    const tree = await (await admin.context.request.get('/api/v1/orgs')).json();
    const branch = tree.find((n) => n.kind === 'branch' && n.id !== me.org_id);
    const { checkDigit } = await import('../lib/helpers.mjs');
    const first17 = `11010819900101${String(Date.now() % 1000).padStart(3, '0')}`;
    card = first17 + checkDigit(first17);
    const csrf = await admin.page.locator('input[name="_csrf"]').first().getAttribute('value');
    const r = await admin.context.request.post('/api/v1/members', {
      headers: { 'X-CSRF-Token': csrf, Origin: BASE },
      data: {
        name: '审计脱敏测试', id_card_no: card, category: 'teacher', org_id: branch.id, status: 'full',
        joined_on: '2015-07-01', full_on: '2016-07-01', phone,
      },
    });
    assert.equal(r.status(), 200, await r.text());
  } finally {
    await admin.context.close();
  }
  // …and the inspector's audit page shows the event without either number in full.
  const { context, page } = await login(browser, 'inspector');
  try {
    await page.goto('/audit?entity=member');
    const html = await page.content();
    assert.ok(html.includes('审计脱敏测试'), 'the event is listed');
    assert.ok(!html.includes(card), 'no full 身份证号');
    assert.ok(!html.includes(phone), 'no full phone number');
    assert.ok(html.includes(`${card.slice(0, 3)}${'*'.repeat(11)}${card.slice(14)}`), 'the masked 身份证号');
    await shot(page, 'privacy-inspector-audit');
  } finally {
    await context.close();
  }
});
