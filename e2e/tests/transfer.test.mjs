// A case follows its person (issue 8 part 2): moving the case of a probationary member from the
// case page moves the membership too; the member page says the open case goes with a transfer;
// the settings page offers the R1.9 transit-days reading.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot, daysAgo } from '../lib/helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('college: moving a probationary member’s case moves the member', async () => {
  const { context, page } = await login(browser, 'college');
  try {
    await page.goto('/development');
    const row = page.locator('tbody tr', { hasText: '预备党员的教育考察和转正' }).first();
    assert.equal(await row.count(), 1, 'the demo has a probationary member with an open case');
    const name = (await row.locator('td[data-label="姓名"] a').innerText()).trim();
    await Promise.all([page.waitForURL(/\/development\/\d+(\?.*)?$/), row.locator('td[data-label="姓名"] a').click()]);
    const caseUrl = page.url();
    const before = (await page.locator('main p.muted').first().innerText()).split(' · ')[0].trim();

    // The transfer form on the case page: another branch, left 3 days ago, arrived yesterday.
    await page.locator('#transfer-form summary').click();
    const options = page.locator('#t_to_org_id option:not([value=""])');
    assert.ok((await options.count()) > 0, 'other branches to move to');
    const target = await options.first().getAttribute('value');
    const targetName = (await options.first().innerText()).trim();
    await page.locator('#t_to_org_id').selectOption(target);
    await page.locator('#t_left_on').fill(daysAgo(3));
    await page.locator('#t_arrived_on').fill(daysAgo(1));
    await page.locator('#t_note').fill('转专业');
    assert.match(await page.locator('#transfer-form .hint').innerText(), /党员组织关系同时转入/);
    await Promise.all([page.waitForURL(caseUrl), page.locator('#transfer-form button[type=submit]').click()]);
    const now = (await page.locator('main p.muted').first().innerText()).split(' · ')[0].trim();
    assert.notEqual(now, before, `the case left ${before}`);
    assert.ok(targetName.includes(now), `the case is now held by ${targetName} (${now})`);
    assert.match(await page.locator('main').innerText(), /转接记录/);
    await shot(page, 'transfer-case-page');

    // The roster follows: the member's profile shows the new branch and a membership period from the arrival.
    await page.goto(`/members?q=${encodeURIComponent(name)}`);
    await Promise.all([page.waitForURL(/\/members\/\d+$/), page.locator('td[data-label="姓名"] a', { hasText: name }).first().click()]);
    const profile = await page.locator('main').innerText();
    assert.ok(profile.includes(now), `the member is in ${now}`);
    assert.ok(profile.includes(daysAgo(1)), 'the new membership period starts on the arrival date');
    assert.match(await page.locator('form[action$="/transfer"] .hint').innerText(), /发展档案.*随组织关系/);
    await shot(page, 'transfer-member-page');
  } finally {
    await context.close();
  }
});

test('admin: the settings page offers the R1.9 transit-days reading', async () => {
  const { context, page } = await login(browser, 'admin');
  try {
    await page.goto('/admin/settings');
    const select = page.locator('#transit_days_count');
    assert.equal(await select.inputValue(), 'false', 'default: days in transit do not count');
    assert.match(await page.locator('label[for=transit_days_count]').innerText(), /培养教育时间可以连续计算/);
    await select.selectOption('true');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '保存' }).click()]);
    await page.goto('/admin/settings');
    assert.equal(await page.locator('#transit_days_count').inputValue(), 'true', 'the choice is stored');
    await page.locator('#transit_days_count').selectOption('false');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: '保存' }).click()]);
  } finally {
    await context.close();
  }
});
