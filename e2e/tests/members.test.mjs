// Roster search and profile; creating a member through the form, with a wrong 身份证号 check digit first.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot, texts, makeIdCard, wrongCheckDigit, cnTag } from '../lib/helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Types into the roster's search box and submits. */
async function search(page, q) {
  await page.locator('#q').fill(q);
  await Promise.all([page.waitForURL(/\/members\?/), page.getByRole('button', { name: '筛选' }).click()]);
}

/** The count in "党员名册 （N 人）". */
async function rosterTotal(page) {
  const h = await page.locator('main h1').innerText();
  const m = h.match(/（(\d+) 人）/);
  assert.ok(m, `roster heading has a count: ${h}`);
  return Number(m[1]);
}

test('admin: roster search by surname, staff number and ID tail; open a profile', async () => {
  const { context, page } = await login(browser, 'admin');
  try {
    await page.getByRole('link', { name: '党员', exact: true }).click();
    await page.waitForURL(/\/members$/);
    const all = await rosterTotal(page);
    assert.ok(all >= 10000, `the demo roster is large (${all})`);
    assert.equal(await page.locator('td[data-label="姓名"]').count(), 50, 'first page holds 50 rows');
    await assert.doesNotReject(page.getByText(/第 1 \/ \d+ 页/).waitFor());

    await search(page, '王');
    const n = await rosterTotal(page);
    assert.ok(n > 0 && n < all, `some but not all are named 王 (${n})`);
    const names = await texts(page.locator('td[data-label="姓名"]'));
    assert.ok(names.length > 0);
    for (const name of names) assert.ok(name.includes('王'), `${name} contains 王`);
    assert.equal(await page.locator('#q').inputValue(), '王', 'the search box keeps the query');
    await shot(page, 'members-search', { fullPage: false });

    // Open the first hit's profile.
    const first = page.locator('tbody tr').first();
    const name = (await first.locator('td[data-label="姓名"]').innerText()).trim();
    const staffNo = (await first.locator('td[data-label="工号/学号"]').innerText()).trim();
    const idCard = (await first.locator('td[data-label="身份证号"]').innerText()).trim();
    const org = (await first.locator('td[data-label="所在组织"]').innerText()).trim();
    await first.locator('td[data-label="姓名"] a').click();
    await page.waitForURL(/\/members\/\d+$/);
    const profileUrl = page.url();
    assert.ok((await page.locator('main h1').innerText()).startsWith(name));
    const kv = await page.locator('dl.kv').innerText();
    assert.ok(kv.includes(org), `profile shows the org ${org}`);
    // The roster masks the middle of the 身份证号; the profile shows it whole to an admin.
    if (idCard) assert.ok(kv.includes(idCard.slice(-4)) && kv.includes(idCard.slice(0, 3)), 'profile shows the 身份证号');
    await assert.doesNotReject(page.getByRole('heading', { name: '组织关系历史' }).waitFor());
    await shot(page, 'member-profile');

    // The same person is found by 工号/学号 and by the last 4 characters of the 身份证号
    // (the only ones the masked list shows).
    for (const q of [staffNo, idCard.slice(-4)].filter((s) => /\d/.test(s))) {
      await page.goto('/members');
      await search(page, q);
      const hrefs = await page.locator('td[data-label="姓名"] a').evaluateAll((as) => as.map((a) => a.href));
      assert.ok(hrefs.includes(profileUrl), `search ${q} finds ${name}`);
    }
  } finally {
    await context.close();
  }
});

test('admin: new member with a wrong check digit is refused, the form keeps the input; fixed, it saves', async () => {
  const { context, page } = await login(browser, 'admin');
  try {
    const name = `欧阳测试${cnTag(2)}`; // pinyin initials start with "oycs"
    const id = makeIdCard('1990-03-15', true);
    const bad = id.slice(0, 17) + wrongCheckDigit(id.slice(0, 17));

    await page.goto('/members');
    await page.getByRole('link', { name: '新增党员' }).click();
    await page.waitForURL(/\/members\/new/);
    await page.locator('#name').fill(name);
    await page.locator('#id_card_no').fill(bad);
    await page.locator('#category').selectOption({ label: '教师' });
    await page.locator('#staff_no').fill(`E2E${id.slice(-8)}`);
    await page.locator('#phone').fill('13800138000');
    // The last branch/group in the list: far from the demo college and branch other tests log in to.
    const branch = page.locator('#org_id option').last();
    const branchLabel = (await branch.innerText()).trim();
    await page.locator('#org_id').selectOption(await branch.getAttribute('value'));
    await page.locator('#status').selectOption({ label: '正式党员' });
    await page.locator('#joined_on').fill('2015-06-01');
    await page.locator('#full_on').fill('2016-06-01');

    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/members'),
      page.getByRole('button', { name: '保存' }).click(),
    ]);
    assert.equal(resp.status(), 422, 'refused form is a 422');
    await page.waitForLoadState();
    await assert.doesNotReject(page.getByText('身份证号校验位错误').first().waitFor());
    const fieldErr = page.locator('#id_card_no ~ .err');
    assert.equal((await fieldErr.innerText()).trim(), '身份证号校验位错误', 'message next to the field');
    assert.ok((await page.locator('#id_card_no').getAttribute('class')).includes('bad'), 'field marked bad');
    assert.equal(await page.locator('#name').inputValue(), name, 'name still holds what was typed');
    assert.equal(await page.locator('#id_card_no').inputValue(), bad, 'ID still holds what was typed');
    assert.equal(await page.locator('#joined_on').inputValue(), '2015-06-01');
    assert.equal((await page.locator('#org_id option:checked').innerText()).trim(), branchLabel, 'branch kept');
    await shot(page, 'member-form-error');

    // Fix the check digit and save.
    await page.locator('#id_card_no').fill(id);
    await Promise.all([page.waitForURL(/\/members\/\d+\?ok=created/), page.getByRole('button', { name: '保存' }).click()]);
    await assert.doesNotReject(page.locator('.alert.ok', { hasText: '已创建' }).waitFor());
    assert.ok((await page.locator('main h1').innerText()).startsWith(name), 'profile shows the name');
    const kv = await page.locator('dl.kv').innerText();
    assert.ok(kv.includes(id), 'profile shows the 身份证号');
    assert.ok(kv.includes('1990-03-15'), 'birth date taken from the 身份证号');
    assert.match(kv, /性别\s*男/, 'gender taken from the 身份证号');
    assert.ok(kv.includes(branchLabel.trim()), 'profile shows the branch');
    await shot(page, 'member-created');

    // Found by pinyin initials.
    await page.goto('/members');
    await search(page, 'oycs');
    const names = await texts(page.locator('td[data-label="姓名"]'));
    assert.ok(names.includes(name), `pinyin initials "oycs" find ${name}: ${names.join(',')}`);
  } finally {
    await context.close();
  }
});
