// The 发展党员 calendar (month grid on a desktop, list on a phone), its iCalendar subscription,
// and uploading a small file as a material of a demo case.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot, horizontalOverflow, PHONE } from '../lib/helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** `YYYY-MM` of the month `offset` months after the current month (China time). */
function month(offset) {
  const d = new Date(Date.now() + 8 * 3600_000);
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
  return m.toISOString().slice(0, 7);
}

/** Goes to the first month (from the current one) whose grid shows a due step; returns it. */
async function monthWithEntries(page) {
  for (let i = 0; i < 6; i++) {
    await page.goto(`/development/calendar?month=${month(i)}`);
    if ((await page.locator('table.cal-grid a.cal-e').count()) > 0) return month(i);
  }
  return null;
}

test('college: the calendar shows due steps linked to their cases; subscribe to the feed', async () => {
  const { context, page } = await login(browser, 'college');
  try {
    const m = await monthWithEntries(page);
    assert.ok(m, 'a month within half a year has due steps of the demo cases');
    assert.ok(await page.locator('table.cal-grid').isVisible(), 'the month grid on a desktop');
    assert.equal(await page.locator('.cal-list').isVisible(), false, 'no list on a desktop');
    await shot(page, 'devcalendar-month');
    const entry = page.locator('table.cal-grid a.cal-e').first();
    const label = (await entry.innerText()).trim();
    assert.match(label, /^(截止|最早) /, `an entry says which date it is: ${label}`);
    await Promise.all([page.waitForURL(/\/development\/\d+$/), entry.click()]);
    const name = label.replace(/^(截止|最早) /, '').split('：')[0];
    assert.ok((await page.locator('main h1').innerText()).startsWith(name), 'the entry links to its case');

    // Subscribe: the URL is shown once and serves an iCalendar text without the session.
    await page.goto('/development/calendar');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '创建订阅地址' }).click()]);
    const url = (await page.locator('.feed-url').innerText()).trim();
    assert.match(url, /\/feeds\/development\/[0-9a-f]+\.ics$/);
    const r = await fetch(url);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/calendar/);
    const ics = await r.text();
    assert.ok(ics.startsWith('BEGIN:VCALENDAR\r\n') && ics.includes('BEGIN:VEVENT'), 'a calendar with events');
    await shot(page, 'devcalendar-subscribe', { fullPage: false });
    // Revoke: the feed is gone.
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '停用' }).first().click()]);
    assert.equal((await fetch(url)).status, 404, 'a revoked feed answers 404');
  } finally {
    await context.close();
  }
});

test('college on a phone: the calendar is a list that fits the screen', async () => {
  const { context, page } = await login(browser, 'college', { viewport: PHONE, mobile: true });
  try {
    const m = await monthWithEntries(page);
    assert.ok(m, 'a month with due steps');
    assert.equal(await page.locator('table.cal-grid').isVisible(), false, 'no grid on a phone');
    assert.ok(await page.locator('.cal-list').isVisible(), 'the list instead');
    assert.ok((await page.locator('.cal-list a.cal-e').count()) > 0, 'the list has the due steps');
    const [scroll, inner] = await horizontalOverflow(page);
    assert.ok(scroll <= inner + 1, `no sideways scrolling (${scroll} > ${inner})`);
    await shot(page, 'devcalendar-phone');
  } finally {
    await context.close();
  }
});

test('college: upload a small PDF as a material of a demo case', async () => {
  const { context, page } = await login(browser, 'college');
  try {
    await page.goto('/development');
    const first = page.locator('td[data-label="姓名"] a').first();
    await Promise.all([page.waitForURL(/\/development\/\d+$/), first.click()]);
    const form = page.locator('form.mat-upload').first();
    await form.waitFor();
    await form.locator('input[type=file]').setInputFiles({
      name: '入党申请书扫描件.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% e2e test material\n'),
    });
    await Promise.all([page.waitForURL(/ok=saved/), form.getByRole('button', { name: '上传/登记' }).click()]);
    const link = page.locator('#case-materials a', { hasText: '入党申请书扫描件.pdf' });
    assert.equal(await link.count(), 1, 'the file is listed on the case page');
    assert.ok((await page.locator('#case-materials').innerText()).includes('✓'), 'an expected material is ticked');
    const href = await link.getAttribute('href');
    const r = await page.request.get(href);
    assert.equal(r.status(), 200);
    assert.ok((await r.body()).toString().startsWith('%PDF-1.4'), 'the same file downloads');
    await page.locator('#case-materials').scrollIntoViewIfNeeded();
    await shot(page, 'devcalendar-material', { fullPage: false });
  } finally {
    await context.close();
  }
});
