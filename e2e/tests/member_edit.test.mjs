// Editing a member's stage and dates (issue 8 part 1): for a historic record (no development
// case) a change of 党员类别 / 转正日期 needs a recorded reason; the refusal shows next to the
// 修改理由 field with every typed value kept, and the saved reason appears in the status history.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot, makeIdCard, cnTag } from '../lib/helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('admin: a historic member made 正式 by editing needs a reason; the form keeps the input', async () => {
  const { context, page } = await login(browser, 'admin');
  try {
    // A historic 预备党员 (no case) created through the form.
    const name = `改类别${cnTag(2)}`;
    await page.goto('/members/new');
    await page.locator('#name').fill(name);
    await page.locator('#id_card_no').fill(makeIdCard('1996-08-20', false));
    await page.locator('#category').selectOption({ label: '教师' });
    await page.locator('#org_id').selectOption(await page.locator('#org_id option').last().getAttribute('value'));
    await page.locator('#status').selectOption({ label: '预备党员' });
    await page.locator('#joined_on').fill('2024-06-01');
    await Promise.all([page.waitForURL(/\/members\/\d+\?ok=created/), page.getByRole('button', { name: '保存' }).click()]);
    const profile = new URL(page.url()).pathname;

    // Edit: 预备 → 正式 with a 转正日期, no reason.
    await page.getByRole('link', { name: '修改信息' }).click();
    await page.waitForURL(/\/edit$/);
    await page.locator('#phone').fill('13500135000');
    await page.locator('#status').selectOption({ label: '正式党员' });
    await page.locator('#full_on').fill('2025-06-01');
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/edit')),
      page.getByRole('button', { name: '保存' }).click(),
    ]);
    assert.equal(resp.status(), 422, 'refused edit is a 422');
    await page.waitForLoadState();
    const err = page.locator('#reason ~ .err');
    await err.scrollIntoViewIfNeeded();
    assert.ok(await err.isVisible(), 'the message is in view next to 修改理由');
    assert.match(await err.innerText(), /须填写修改理由/);
    assert.ok((await page.locator('#reason').getAttribute('class')).includes('bad'), 'field marked bad');
    assert.match(await page.locator('.alert.error').innerText(), /规则 R1\.25/, 'the rule at the top');
    assert.equal((await page.locator('#status option:checked').innerText()).trim(), '正式党员', 'typed stage kept');
    assert.equal(await page.locator('#full_on').inputValue(), '2025-06-01', 'typed full date kept');
    assert.equal(await page.locator('#phone').inputValue(), '13500135000', 'typed phone kept');
    assert.equal(await page.locator('#name').inputValue(), name);
    await shot(page, 'member-edit-reason-required', { fullPage: false });

    // With a reason it saves, and the reason is in the status history.
    await page.locator('#reason').fill('据党员档案补录转正');
    await Promise.all([page.waitForURL(/\/members\/\d+\?ok=saved/), page.getByRole('button', { name: '保存' }).click()]);
    assert.equal(new URL(page.url()).pathname, profile);
    assert.ok((await page.locator('main h1').innerText()).includes('正式党员'));
    const kv = await page.locator('dl.kv').innerText();
    assert.ok(kv.includes('2025-06-01'), 'profile shows the 转正日期');
    await page.getByText('据党员档案补录转正').first().waitFor();
    await shot(page, 'member-edit-reason-saved');
  } finally {
    await context.close();
  }
});

test('admin: a member who came through a case cannot be made 正式 by editing; error at the field, values kept', async () => {
  const { context, page } = await login(browser, 'admin');
  try {
    // A demo case whose person is already a member (approved, probation running).
    const cases = await (await page.request.get('/api/v1/development/cases')).json();
    let memberId;
    for (const c of cases.filter((c) => ['probationary', 'full'].includes(c.stage)).slice(0, 20)) {
      const list = await (await page.request.get(`/api/v1/members?q=${encodeURIComponent(c.name)}&per_page=200`)).json();
      const m = list.items.find((m) => m.person_id === c.person_id && m.status === 'probationary');
      if (m) {
        memberId = m.id;
        break;
      }
    }
    assert.ok(memberId, 'the demo has a 预备党员 with an open case');
    await page.goto(`/members/${memberId}/edit`);
    await assert.doesNotReject(page.locator('#workflow-owned').waitFor(), 'the form says the workflow owns the stage');
    const joined = await page.locator('#joined_on').inputValue();
    await page.locator('#status').selectOption({ label: '正式党员' });
    await page.locator('#full_on').fill('2026-01-01');
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/edit')),
      page.getByRole('button', { name: '保存' }).click(),
    ]);
    assert.equal(resp.status(), 422, 'refused edit is a 422');
    await page.waitForLoadState();
    const err = page.locator('#status ~ .err');
    await err.scrollIntoViewIfNeeded();
    assert.ok(await err.isVisible(), 'the message is in view next to 党员类别');
    assert.match(await err.innerText(), /发展记实 #\d+/);
    assert.match(await page.locator('.alert.error').innerText(), /规则 R1\.25/);
    assert.equal((await page.locator('#status option:checked').innerText()).trim(), '正式党员', 'typed stage kept');
    assert.equal(await page.locator('#full_on').inputValue(), '2026-01-01', 'typed full date kept');
    assert.equal(await page.locator('#joined_on').inputValue(), joined);
    await shot(page, 'member-edit-workflow-owned', { fullPage: false });
    // Nothing was saved.
    await page.goto(`/members/${memberId}`);
    assert.ok((await page.locator('main h1').innerText()).includes('预备党员'));
  } finally {
    await context.close();
  }
});
