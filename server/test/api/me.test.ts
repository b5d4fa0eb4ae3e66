/**
 * Integration: `GET /me`, `PATCH /me`, `GET /me/apps` (ETag) on a real portal
 * with the demo users signed in through the real pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appsResponseSchema, meSchema, problemSchema } from '../../../contract/schemas.ts';
import { callApi, signInAliceWithMfa, signInWithPassword } from '../api-helpers.ts';
import { startTestPortal, type TestPortal } from '../portal.ts';

let t: TestPortal;
let alice: string;
let bob: string;

beforeAll(async () => {
  t = await startTestPortal();
  alice = (await signInAliceWithMfa(t)).access_token;
  bob = (await signInWithPassword(t, 'bob')).access_token;
});
afterAll(() => t?.close());

describe('GET /me', () => {
  it('returns the profile in three sections; email never editable; admin-locked fields explained', async () => {
    const answer = await callApi(t, 'GET', '/me', { token: alice });
    expect(answer.status).toBe(200);
    const me = meSchema.parse(answer.json);
    expect(me.email).toBe('alice@example.com');
    expect(me.mfa.totp).toBe(true);
    expect(me.sections.map((section) => section.id)).toEqual(['details', 'personal', 'employment']);
    const field = (name: string) => me.sections.flatMap((s) => s.fields).find((f) => f.name === name);
    expect(field('email')).toMatchObject({ editable: false });
    expect(field('email')?.lockedReason).toBeTruthy();
    // The demo locks alice's employment section.
    const employment = me.sections.find((s) => s.id === 'employment');
    expect(employment?.fields.every((f) => !f.editable && f.lockedReason)).toBe(true);
    expect(field('phone')).toMatchObject({ editable: true });

    const bobMe = meSchema.parse((await callApi(t, 'GET', '/me', { token: bob })).json);
    expect(bobMe.mfa.totp).toBe(false);
    expect(bobMe.sections.flatMap((s) => s.fields).filter((f) => f.editable).length).toBeGreaterThan(5);
  });
});

describe('PATCH /me', () => {
  it('updates editable fields and returns the new profile', async () => {
    const answer = await callApi(t, 'PATCH', '/me', {
      token: alice,
      body: { phone: '+49 30 1234567', location: 'Lisbon' },
    });
    expect(answer.status).toBe(200);
    const me = meSchema.parse(answer.json);
    const fields = me.sections.flatMap((s) => s.fields);
    expect(fields.find((f) => f.name === 'phone')?.value).toBe('+49 30 1234567');
    expect(fields.find((f) => f.name === 'location')?.value).toBe('Lisbon');
    // And it stuck.
    const again = meSchema.parse((await callApi(t, 'GET', '/me', { token: alice })).json);
    expect(again.sections.flatMap((s) => s.fields).find((f) => f.name === 'location')?.value).toBe('Lisbon');
  });

  it('403 locked_field for an admin-locked field or the email, and nothing changes', async () => {
    const locked = await callApi(t, 'PATCH', '/me', {
      token: alice,
      body: { jobTitle: 'Chief Everything', location: 'Paris' },
    });
    expect(locked.status).toBe(403);
    const problem = problemSchema.parse(locked.json);
    expect(problem.code).toBe('locked_field');
    expect(problem.errors).toHaveProperty('jobTitle');
    const email = await callApi(t, 'PATCH', '/me', {
      token: bob,
      body: { email: 'mallory@example.com' },
    });
    expect(email.status).toBe(403);
    expect(problemSchema.parse(email.json).code).toBe('locked_field');
    const me = meSchema.parse((await callApi(t, 'GET', '/me', { token: alice })).json);
    expect(me.sections.flatMap((s) => s.fields).find((f) => f.name === 'location')?.value).toBe('Lisbon');
  });

  it('C8: 422 with field errors for invalid values', async () => {
    const answer = await callApi(t, 'PATCH', '/me', {
      token: bob,
      body: { phone: 'call me maybe', startDate: '2024-13-01' },
    });
    expect(answer.status).toBe(422);
    const problem = problemSchema.parse(answer.json);
    expect(problem.code).toBe('validation_failed');
    expect(Object.keys(problem.errors ?? {}).sort()).toEqual(['phone', 'startDate']);
  });
});

describe('GET /me/apps', () => {
  it('lists the assigned apps with MFA requirements and a strong ETag; If-None-Match → 304', async () => {
    const answer = await callApi(t, 'GET', '/me/apps', { token: bob });
    expect(answer.status).toBe(200);
    const { apps } = appsResponseSchema.parse(answer.json);
    expect(apps.map((app) => app.name).sort()).toEqual(['Expenses', 'Payroll', 'Team Wiki']);
    expect(apps.find((app) => app.name === 'Payroll')).toMatchObject({
      requiresMfa: true,
      mfaMaxAgeSeconds: 300,
    });
    expect(apps.find((app) => app.name === 'Team Wiki')).toMatchObject({ requiresMfa: false });
    // No secrets of the relying parties leak into the catalog.
    expect(answer.text).not.toMatch(/secret|redirect/i);

    const etag = answer.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const cached = await callApi(t, 'GET', '/me/apps', {
      token: bob,
      headers: { 'if-none-match': etag as string },
    });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe('');
    expect(cached.headers.get('etag')).toBe(etag);
    const stale = await callApi(t, 'GET', '/me/apps', {
      token: bob,
      headers: { 'if-none-match': '"other"' },
    });
    expect(stale.status).toBe(200);

    // A change in the assignment changes the ETag.
    const repos = t.context.repos;
    const bobId = (await repos.users.findByEmail('bob@example.com'))?.id as string;
    const wiki = apps.find((app) => app.name === 'Team Wiki')?.id as string;
    await repos.apps.unassign(wiki, bobId);
    try {
      const changed = await callApi(t, 'GET', '/me/apps', {
        token: bob,
        headers: { 'if-none-match': etag as string },
      });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(etag);
      expect(appsResponseSchema.parse(changed.json).apps.map((app) => app.name)).toEqual([
        'Expenses',
        'Payroll',
      ]);
    } finally {
      await repos.apps.assign(wiki, bobId);
    }
  });

  it("returns each app's details link: Payroll's about page (served by the demo app), none for Team Wiki", async () => {
    const { apps } = appsResponseSchema.parse((await callApi(t, 'GET', '/me/apps', { token: bob })).json);
    const payroll = apps.find((app) => app.id === 'payroll');
    expect(payroll?.detailsUrl).toBe(`${t.demoApps.payroll}/about`);
    expect(apps.find((app) => app.id === 'team-wiki')?.detailsUrl).toBeNull();
    // The page is there without signing in to Payroll.
    const page = await fetch(payroll?.detailsUrl as string);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>About Payroll</h1>');

    // An admin change shows at once; a value that is not a network URL (written straight
    // into the database) is left out rather than breaking the catalog.
    const repos = t.context.repos;
    try {
      await repos.apps.setDetailsUrl('team-wiki', 'https://handbook.example.com/wiki');
      await repos.apps.setDetailsUrl('payroll', 'javascript:alert(1)');
      const changed = appsResponseSchema.parse(
        (await callApi(t, 'GET', '/me/apps', { token: bob })).json,
      ).apps;
      expect(changed.find((app) => app.id === 'team-wiki')?.detailsUrl).toBe(
        'https://handbook.example.com/wiki',
      );
      expect(changed.find((app) => app.id === 'payroll')?.detailsUrl).toBeNull();
    } finally {
      await repos.apps.setDetailsUrl('team-wiki', null);
      await repos.apps.setDetailsUrl('payroll', payroll?.detailsUrl ?? null);
    }
  });
});
