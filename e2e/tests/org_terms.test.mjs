// The org page's 换届 / 延期换届 form (R4.2: at most one year) and the new-branch page's
// founding-members picker (R3.1: at least 3 full members): the refusal shows in the form and
// every typed value stays.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot, runTag } from '../lib/helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** YYYY-MM-DD of a local date. */
function ymd(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** A date `months` months from today (negative: before). */
function monthsFromToday(months) {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() + months);
  return d;
}

/** The first branch and the anchor org of the logged-in user's tree (read through the API). */
async function orgs(page) {
  const r = await page.request.get('/api/v1/orgs');
  assert.equal(r.status(), 200);
  const tree = await r.json();
  const branch = tree.find((n) => n.kind === 'branch' && n.subtree.full > 0);
  assert.ok(branch, 'a branch in the tree');
  return { root: tree[0], branch };
}

test('college: a 13-month postponement is refused in the term form, values kept; one year is recorded', async () => {
  const { context, page } = await login(browser, 'college');
  try {
    const { branch } = await orgs(page);
    await page.goto(`/orgs/${branch.id}`);
    // The term began 3 years and 1 month ago: it has expired.
    const start = ymd(monthsFromToday(-37));
    await page.locator('#term_start').fill(start);
    await Promise.all([page.waitForURL(/ok=saved/), page.getByRole('button', { name: '保存' }).click()]);

    const form = page.locator('#term-form');
    const doc = `物党字〔2026〕${runTag()}号`;
    const tooLate = ymd(monthsFromToday(-1 + 13)); // end (1 month ago) + 13 months
    await form.locator('#term_kind').selectOption('postponement');
    await form.locator('#until_on').fill(tooLate);
    await form.locator('#approved_by').fill('学院党委');
    await form.locator('#document_no').fill(doc);
    await form.getByRole('button', { name: '登记' }).click();
    await page.waitForLoadState();

    const again = page.locator('#term-form');
    await assert.doesNotReject(again.locator('.alert.error', { hasText: '超过 1 年' }).waitFor());
    const fieldErr = await again.locator('#until_on + .err').innerText();
    assert.ok(fieldErr.includes('最长不超过 1 年'), `error at the field: ${fieldErr}`);
    assert.equal(await again.locator('#until_on').inputValue(), tooLate);
    assert.equal(await again.locator('#document_no').inputValue(), doc);
    assert.equal(await again.locator('#approved_by').inputValue(), '学院党委');
    assert.equal(await again.locator('#term_kind').inputValue(), 'postponement');
    await again.scrollIntoViewIfNeeded();
    await shot(page, 'org-term-postponement-refused');

    // Within one year: recorded and listed; the expired term is now covered by the postponement.
    const inYear = ymd(monthsFromToday(-1 + 11));
    await again.locator('#until_on').fill(inYear);
    await Promise.all([page.waitForURL(/ok=saved/), again.getByRole('button', { name: '登记' }).click()]);
    const row = page.locator('#terms + .table-wrap tbody tr', { hasText: doc });
    await assert.doesNotReject(row.waitFor());
    assert.ok((await row.innerText()).includes(inYear));
    const findings = await page.locator('ul.findings').innerText();
    assert.ok(findings.includes('延期换届至'), `the finding names the postponement: ${findings}`);
  } finally {
    await context.close();
  }
});

test('college: founding a branch with one chosen member is refused near the picker, choices kept', async () => {
  const { context, page } = await login(browser, 'college');
  try {
    const { root } = await orgs(page);
    const r = await page.request.get(`/api/v1/members?org=${root.id}&status=full&per_page=2`);
    const members = (await r.json()).items;
    assert.ok(members.length >= 1, 'full members in the college');
    const who = members[0];

    await page.goto(`/orgs/${root.id}/new`);
    const name = `新成立教工党支部${runTag()}`;
    await page.locator('#name').fill(name);
    await page.locator('#kind').selectOption('branch');
    await page.locator('#category').selectOption('teacher');
    await page.locator('#member_q').fill(who.name);
    await page.getByRole('button', { name: '查找党员' }).click();
    await page.waitForLoadState();
    const box = page.locator(`input[name="founding_member_ids"][value="${who.id}"]`);
    await assert.doesNotReject(box.waitFor());
    assert.equal(await page.locator('#name').inputValue(), name, 'name kept across the search');
    await box.check();
    await page.getByRole('button', { name: '创建' }).click();
    await page.waitForLoadState();

    const fs = page.locator('#founding');
    const err = await fs.locator('.err').innerText();
    assert.ok(err.includes('联合党支部') && err.includes('仅 1 名'), `R3.1 at the picker: ${err}`);
    assert.ok(await page.locator(`input[name="founding_member_ids"][value="${who.id}"]`).isChecked(), 'choice kept');
    assert.equal(await page.locator('#name').inputValue(), name);
    assert.equal(await page.locator('#category').inputValue(), 'teacher');
    await shot(page, 'org-new-founding-refused');
  } finally {
    await context.close();
  }
});
