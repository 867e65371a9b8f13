// Look ahead (issue 8 part 7): the 检查 button on the step form judges a planned step on any
// date (here 2027-03-10) and shows the findings and what would be due, without saving, keeping
// every typed value.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot, makeIdCard, cnTag, daysAgo } from '../lib/helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('college: 检查 a planned talk on 2027-03-10 shows findings, saves nothing, keeps the form', async () => {
  const { context, page } = await login(browser, 'college');
  try {
    await page.goto('/development/new');
    const name = `预查${cnTag(3)}`;
    await page.locator('#name').fill(name);
    await page.locator('#id_card_no').fill(makeIdCard('2004-06-15', true));
    const branch = await page.locator('#org_id option').nth(1).getAttribute('value');
    await page.locator('#org_id').selectOption(branch);
    await page.locator('#applied_on').fill(daysAgo(5));
    await Promise.all([
      page.waitForURL(/\/development\/\d+(\?.*)?$/),
      page.getByRole('button', { name: '保存' }).click(),
    ]);
    const caseUrl = page.url().replace(/\?.*$/, '');
    const stepsBefore = await page.locator('tbody tr').count();

    await page.locator('#step').selectOption('talk');
    await page.locator('#date').fill('2027-03-10');
    await page.locator('#people').fill('王书记');
    await page.locator('#details').fill('计划在开学后谈话');
    await page.getByRole('button', { name: '检查', exact: true }).click();
    await page.waitForLoadState('load');

    const result = page.locator('#check-result');
    await result.waitFor();
    const text = await result.innerText();
    assert.match(text, /检查结果（未保存）/);
    assert.match(text, /2027-03-10/);
    assert.match(text, /现在登记会被拒绝/, 'a future date is judged, and recording today would refuse it');
    assert.match(text, /2027 年节假日安排尚未录入，按周末计算/);
    assert.ok((await result.locator('.findings li').count()) >= 1, 'the findings are listed');
    // The typed values stay.
    assert.equal(await page.locator('#step').inputValue(), 'talk');
    assert.equal(await page.locator('#date').inputValue(), '2027-03-10');
    assert.equal(await page.locator('#people').inputValue(), '王书记');
    assert.equal(await page.locator('#details').inputValue(), '计划在开学后谈话');
    await result.scrollIntoViewIfNeeded();
    await shot(page, 'lookahead-check', { fullPage: false });

    // Nothing was saved.
    await page.goto(caseUrl);
    assert.equal(await page.locator('tbody tr').count(), stepsBefore, 'no step was recorded');
    assert.equal(await page.locator('#check-result').count(), 0);
  } finally {
    await context.close();
  }
});

test('admin: findings as of a past date; the working-day page lists the covered years', async () => {
  const { context, page } = await login(browser, 'admin');
  try {
    await page.goto('/findings');
    await page.locator('#as_of').fill('2025-06-01');
    await Promise.all([page.waitForURL(/as_of=2025-06-01/), page.getByRole('button', { name: '检查', exact: true }).click()]);
    assert.match(await page.locator('#judged-on').innerText(), /按 2025-06-01 的/);
    assert.equal(await page.locator('#as_of').inputValue(), '2025-06-01', 'the date stays in the form');
    assert.ok((await page.locator('.findings li').count()) >= 1, 'findings of that date are listed');
    await shot(page, 'findings-as-of', { fullPage: false });

    await page.goto('/admin/workdays?year=2027');
    assert.match(await page.locator('#covered-years').innerText(), /2014–2026/);
    await shot(page, 'workdays-covered', { fullPage: false });
  } finally {
    await context.close();
  }
});
