// Who may act (issue 8): on the step form, a 入党介绍人 who was not a 正式党员 on the step's date is
// refused naming R1.10, and a training of 2 days / 23 class hours is refused at once naming R1.12;
// each refusal is scrolled into view and every typed value is kept.

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

/** Members of a branch from the API (the session cookie authenticates GETs). */
async function members(page, org) {
  const r = await page.request.get(`/api/v1/members?org=${org}&per_page=200`);
  assert.ok(r.ok(), `members of ${org}: ${r.status()}`);
  return (await r.json()).items;
}

/** Fills and submits the step form. */
async function record(page, step, date, fields = {}) {
  await page.locator('#step').selectOption(step);
  await page.locator('#date').fill(date);
  for (const [id, value] of Object.entries(fields)) {
    if (!(await page.locator(`#${id}`).isVisible())) await page.locator('#step-form details.more summary').click();
    await page.locator(`#${id}`).fill(value);
  }
  await page.getByRole('button', { name: '登记', exact: true }).click();
  await page.waitForLoadState('load');
}

async function recordOk(page, step, date, fields = {}) {
  await record(page, step, date, fields);
  const errors = await page.locator('#step-refused').count();
  assert.equal(errors, 0, `${step} ${date} is accepted: ${errors ? await page.locator('#step-refused').innerText() : ''}`);
}

/** Whether the element's box lies (at least partly) inside the viewport. */
async function inView(locator) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight;
  });
}

test('step form: R1.10 sponsor not full on the date, R1.12 short training, refusals in view', async () => {
  const { context, page } = await login(browser, 'college');
  try {
    // A branch with three long-standing full members and one member not full on 2025-04-01.
    await page.goto('/development/new');
    const options = await page.locator('#org_id option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    let branch;
    let veterans;
    let notFull;
    for (const org of options) {
      const ms = (await members(page, org)).filter((m) => m.org_id === Number(org));
      const vets = ms.filter(
        (m) => m.status === 'full' && m.full_on && m.full_on <= '2020-01-01' && m.special_status === 'normal',
      );
      const nf = ms.find((m) => m.status === 'probationary' || (m.full_on && m.full_on > '2025-04-01'));
      if (vets.length >= 3 && nf) {
        [branch, veterans, notFull] = [org, vets, nf];
        break;
      }
    }
    assert.ok(branch, 'a branch of the college has veterans and a member not full on 2025-04-01');

    const name = `介绍人测试${cnTag(3)}`;
    await page.locator('#name').fill(name);
    await page.locator('#id_card_no').fill(makeIdCard('2003-05-01', true));
    await page.locator('#org_id').selectOption(branch);
    await page.locator('#applied_on').fill('2024-01-10');
    await Promise.all([
      page.waitForURL(/\/development\/\d+(\?.*)?$/),
      page.getByRole('button', { name: '保存' }).click(),
    ]);
    await recordOk(page, 'talk', '2024-01-20');
    await recordOk(page, 'activist_recommendation', '2024-03-15');
    await recordOk(page, 'activist_filing', '2024-03-20');
    await recordOk(page, 'mentor_assignment', '2024-03-20', { member_ids: String(veterans[0].id) });
    await recordOk(page, 'activist_education', '2024-09-10');
    await recordOk(page, 'activist_education', '2025-03-01');
    await recordOk(page, 'candidate_determination', '2025-03-20');
    await recordOk(page, 'candidate_filing', '2025-03-25');

    // R1.10: the second sponsor was not a 正式党员 on 2025-04-01.
    const typed = `${veterans[1].id}, ${notFull.id}`;
    await record(page, 'sponsor_assignment', '2025-04-01', { member_ids: typed, people: '王书记' });
    const refused = page.locator('#step-refused');
    await refused.waitFor();
    const text = await refused.innerText();
    assert.ok(text.includes('R1.10'), `the refusal names R1.10: ${text}`);
    assert.ok(text.includes(`「${notFull.name}」2025-04-01`), `it names the person and the date: ${text}`);
    assert.ok(text.includes('不能担任入党介绍人'), text);
    assert.ok(await inView(refused), 'the refusal is scrolled into view');
    assert.equal(await page.locator('#step').inputValue(), 'sponsor_assignment');
    assert.equal(await page.locator('#date').inputValue(), '2025-04-01');
    assert.equal(await page.locator('#member_ids').inputValue(), typed, 'the sponsors typed are kept');
    assert.equal(await page.locator('#people').inputValue(), '王书记');
    await shot(page, 'actors-sponsor-refused', { fullPage: false });

    await page.locator('#people').fill('');
    await recordOk(page, 'sponsor_assignment', '2025-04-01', { member_ids: `${veterans[1].id}, ${veterans[2].id}` });
    await recordOk(page, 'political_review', '2025-04-10');

    // R1.12: 2 days and 23 class hours does not satisfy "3 days or 24 hours": refused at once.
    await record(page, 'intensive_training', '2025-04-15', { training_days: '2', training_hours: '23', details: '党校集中培训' });
    await refused.waitFor();
    const t2 = await refused.innerText();
    assert.ok(t2.includes('R1.12'), `the refusal names R1.12: ${t2}`);
    assert.ok(t2.includes('2 天 / 23 学时'), t2);
    assert.ok(await inView(refused), 'the refusal is scrolled into view');
    assert.equal(await page.locator('#training_days').inputValue(), '2');
    assert.equal(await page.locator('#training_hours').inputValue(), '23');
    assert.equal(await page.locator('#details').inputValue(), '党校集中培训');
    assert.equal(await page.locator('#training_days.bad').count(), 1, 'the training field is marked');
    await shot(page, 'actors-training-refused', { fullPage: false });

    // 3 days is enough.
    await recordOk(page, 'intensive_training', '2025-04-15', { training_days: '3', training_hours: '' });
  } finally {
    await context.close();
  }
});
