// Member development: the college's 待办 list with overdue demo cases, a case page, a new case
// through the form, the talk within a month, and a step out of order refused with rule R1.1.

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

test('college: 待办 with overdue cases; a new case, its talk, and a step out of order', async () => {
  const { context, page } = await login(browser, 'college');
  try {
    await page.goto('/development');
    const names = page.locator('td[data-label="姓名"] a');
    const rows = await names.count();
    assert.ok(rows > 0, `the 待办 list shows demo cases (${rows})`);
    const overdue = await page.locator('tbody .tag.block', { hasText: '逾期' }).count();
    assert.ok(overdue >= 1, `some demo cases are overdue (${overdue})`);
    await shot(page, 'development-list', { fullPage: false });

    // Open a case from the list.
    const first = (await names.first().innerText()).trim();
    await Promise.all([page.waitForURL(/\/development\/\d+(\?.*)?$/), names.first().click()]);
    assert.ok((await page.locator('main h1').innerText()).startsWith(first), 'the case page is the clicked case');
    assert.ok((await page.locator('tbody tr').count()) >= 1, 'the case has recorded steps');

    // A new case for a branch of the college: an adult with a valid 身份证号.
    await page.goto('/development/new');
    const name = `测试申请${cnTag(3)}`;
    await page.locator('#name').fill(name);
    await page.locator('#id_card_no').fill(makeIdCard('2004-03-15', false));
    const branch = await page.locator('#org_id option').nth(1).getAttribute('value');
    assert.ok(branch, 'the college has branches to choose from');
    await page.locator('#org_id').selectOption(branch);
    await page.locator('#applied_on').fill(daysAgo(10));
    await Promise.all([
      page.waitForURL(/\/development\/\d+(\?.*)?$/),
      page.getByRole('button', { name: '保存' }).click(),
    ]);
    const caseUrl = page.url();
    assert.ok((await page.locator('main h1').innerText()).startsWith(name));

    // Step 2, the talk, within a month of the application: accepted.
    await page.locator('#step').selectOption('talk');
    await page.locator('#date').fill(daysAgo(3));
    await page.locator('#people').fill('王书记');
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('form .alert.error').count(), 0, 'the talk is accepted');
    const steps = await page.locator('td[data-label="步骤"]').allInnerTexts();
    assert.ok(steps.some((s) => s.includes('党组织派人谈话')), `the talk is recorded: ${steps}`);
    assert.equal(new URL(page.url()).pathname, new URL(caseUrl).pathname, 'still on the case page');

    // A later step out of order: refused with R1.1, the typed values kept.
    await page.locator('#step').selectOption('activist_filing');
    await page.locator('#date').fill(daysAgo(1));
    await page.locator('#people').fill('李组织员');
    await page.locator('#details').fill('保留我输入的内容');
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.waitForLoadState('load');
    const alert = page.locator('form .alert.error');
    await alert.waitFor();
    const text = await page.locator('form#step-form').innerText();
    assert.ok(text.includes('R1.1'), `the refusal names rule R1.1: ${await alert.innerText()}`);
    assert.equal(await page.locator('#step').inputValue(), 'activist_filing', 'the step is kept');
    assert.equal(await page.locator('#date').inputValue(), daysAgo(1), 'the date is kept');
    assert.equal(await page.locator('#people').inputValue(), '李组织员', 'the people are kept');
    assert.equal(await page.locator('#details').inputValue(), '保留我输入的内容', 'the details are kept');
    await shot(page, 'development-case');
  } finally {
    await context.close();
  }
});
