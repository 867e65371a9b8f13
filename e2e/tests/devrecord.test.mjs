// The end of a case: the archive checklist (R1.28) on a case page, saved through the form, and
// the whole record as one printable document.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot } from '../lib/helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('college: archive checklist saved, record printed', async () => {
  const { context, page } = await login(browser, 'college');
  try {
    await page.goto('/development');
    await Promise.all([
      page.waitForURL(/\/development\/\d+(\?.*)?$/),
      page.locator('td[data-label="姓名"] a').first().click(),
    ]);
    const caseUrl = page.url().replace(/[?#].*$/, '');
    const card = page.locator('#archive');
    assert.ok(await card.isVisible(), 'the case page has the archive checklist');
    assert.equal(await card.locator('select[name="status"]').count(), 6, 'six R1.28 items');
    // Mark the first item as electronically archived, with a note, and save.
    await card.locator('select[name="status"]').first().selectOption('electronic');
    await card.locator('input[name="note"]').first().fill('电子档案 E-001');
    await Promise.all([page.waitForURL(/ok=saved/), page.locator('#archive-save').click()]);
    assert.equal(await page.locator('#archive select[name="status"]').first().inputValue(), 'electronic');
    assert.equal(await page.locator('#archive input[name="note"]').first().inputValue(), '电子档案 E-001');
    await page.locator('#archive').scrollIntoViewIfNeeded();
    await shot(page, 'development-archive', { fullPage: false });

    // The printable record carries every recorded step and the checklist.
    await page.goto(`${caseUrl}/print`);
    assert.equal(await page.locator('h1').innerText(), '发展党员工作记实');
    assert.ok((await page.locator('table').first().locator('tbody tr').count()) >= 1, 'steps listed');
    assert.ok((await page.content()).includes('已电子归档'), 'the checklist state is printed');
    await shot(page, 'development-print');
  } finally {
    await context.close();
  }
});
