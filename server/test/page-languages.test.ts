/**
 * The portal's own pages follow the browser's language (Accept-Language):
 * English, German and Arabic (right to left), with `lang`/`dir` on the page
 * and `Content-Language` on the answer; the root address says what the
 * portal is instead of "Not Found".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA, CHROME_REDIRECT_URI } from '../../contract/constants.ts';
import { ar } from '../src/views/i18n/ar.ts';
import { de } from '../src/views/i18n/de.ts';
import { en } from '../src/views/i18n/en.ts';
import { callApi, findResetLink, readMails, waitFor } from './api-helpers.ts';
import { HttpClient, type HttpResult, parseForms } from './http.ts';
import { parseMail } from './mails.ts';
import { createTestUser, startTestPortal, type TestPortal } from './portal.ts';
import { buildAuthorizationUrl, pageKind } from './sign-in.ts';

const isRedirectUri = (location: string) => location.startsWith(CHROME_REDIRECT_URI);

let portal: TestPortal;
beforeAll(async () => {
  portal = await startTestPortal({ demoApps: false, config: { requireMfa: true } });
});
afterAll(() => portal.close());

async function submit(client: HttpClient, page: HttpResult, step: string, fields: Record<string, string>) {
  const form = parseForms(page.body, page.url).find((f) => f.action.endsWith(`/${step}`));
  if (!form) throw new Error(`no ${step} form on the page (${pageKind(page)})`);
  return client.continue(await client.postForm(form.action, { ...form.fields, ...fields }), isRedirectUri);
}

function expectLanguage(page: HttpResult, lang: string, dir: 'ltr' | 'rtl') {
  expect(page.body).toContain(`<html lang="${lang}" dir="${dir}">`);
  expect(page.headers.get('content-language')).toBe(lang);
  expect(page.headers.get('vary') ?? '').toMatch(/accept-language/i);
}

/** Text as the page carries it (the templates escape quotes). */
const escaped = (text: string) => text.replace(/'/g, '&#39;').replace(/"/g, '&quot;');

describe('portal pages in the browser’s language', () => {
  it('German (de-DE): email, password, wrong password and MFA set-up pages are German, lang="de"', async () => {
    const client = new HttpClient({ headers: { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' } });
    const user = await createTestUser(portal);
    const started = await buildAuthorizationUrl(portal);
    const email = await client.follow(started.url, isRedirectUri);
    expectLanguage(email, 'de', 'ltr');
    expect(email.body).toContain(`<h1>${de.signIn.title}</h1>`);
    const password = await submit(client, email, 'email', { email: user.email });
    expectLanguage(password, 'de', 'ltr');
    expect(password.body).toContain(de.signIn.passwordLabel);
    const wrong = await submit(client, password, 'password', { password: 'not it' });
    expect(wrong.body).toContain(de.messages.badCredentials);
    const enrol = await submit(client, wrong, 'password', { password: user.password });
    expect(pageKind(enrol)).toBe('enrol');
    expectLanguage(enrol, 'de', 'ltr');
    expect(enrol.body).toContain(`<h1>${de.enrol.title}</h1>`);
    expect(enrol.body).toContain(de.enrol.whyRequired);
  });

  it('Arabic: pages are right to left (lang="ar" dir="rtl") with Arabic text; codes and addresses stay left to right', async () => {
    const client = new HttpClient({ headers: { 'accept-language': 'ar' } });
    const user = await createTestUser(portal);
    const started = await buildAuthorizationUrl(portal, { acrValues: ACR_MFA });
    const email = await client.follow(started.url, isRedirectUri);
    expectLanguage(email, 'ar', 'rtl');
    expect(email.body).toContain(`<h1>${ar.signIn.title}</h1>`);
    expect(email.body).toMatch(/<input id="email"[^>]* dir="ltr"/);
    const password = await submit(client, email, 'email', { email: user.email });
    expectLanguage(password, 'ar', 'rtl');
    const enrol = await submit(client, password, 'password', { password: user.password });
    expectLanguage(enrol, 'ar', 'rtl');
    expect(enrol.body).toContain(ar.enrol.title);
    expect(enrol.body).toMatch(/class="key" dir="ltr"/);
    expect(enrol.body).toContain(`>${ar.cancel}</button>`);
  });

  it('an unsupported or missing language gets English (Content-Language: en)', async () => {
    for (const header of ['fr-FR,fr;q=0.9', undefined]) {
      const client = new HttpClient({ headers: header ? { 'accept-language': header } : {} });
      const page = await client.follow((await buildAuthorizationUrl(portal)).url, isRedirectUri);
      expectLanguage(page, 'en', 'ltr');
      expect(page.body).toContain(`<h1>${en.signIn.title}</h1>`);
    }
  });

  it('error pages (expired sign-in, used launch link) follow the language too', async () => {
    const expired = await new HttpClient({ headers: { 'accept-language': 'de' } }).get(
      `${portal.issuer}/interaction/not-a-real-interaction`,
    );
    expect(expired.status).toBe(400);
    expectLanguage(expired, 'de', 'ltr');
    expect(expired.body).toContain(de.messages.expired);
    const launch = await new HttpClient({ headers: { 'accept-language': 'ar' } }).get(
      `${portal.issuer}/launch/not-a-real-ticket`,
    );
    expect(launch.status).toBe(410);
    expectLanguage(launch, 'ar', 'rtl');
    expect(launch.body).toContain(ar.errors.linkTitle);
  });

  it('B18: the password-reset pages (ask, sent, choose, mismatch, weak password) follow the language: German, Arabic right to left', async () => {
    const user = await createTestUser(portal);
    const german = new HttpClient({ headers: { 'accept-language': 'de-CH,de;q=0.9' } });
    const ask = await german.get(`${portal.issuer}/reset-password`);
    expectLanguage(ask, 'de', 'ltr');
    expect(ask.body).toContain(`<h1>${de.reset.title}</h1>`);
    expect(ask.body).toContain(de.reset.emailLabel);
    const form = parseForms(ask.body, ask.url)[0];
    if (!form) throw new Error('no request form');
    const sent = await german.postForm(form.action, { ...form.fields, email: user.email });
    expectLanguage(sent, 'de', 'ltr');
    expect(sent.body).toContain(`<h1>${de.reset.sentTitle}</h1>`);

    const link = await waitFor(() => findResetLink(portal.dataDir, user.email));
    const arabic = new HttpClient({ headers: { 'accept-language': 'ar' } });
    const choose = await arabic.get(link);
    expectLanguage(choose, 'ar', 'rtl');
    expect(choose.body).toContain(`<h1>${ar.reset.chooseTitle}</h1>`);
    expect(choose.body).toContain(ar.reset.ruleEmail);
    expect(choose.body).toContain(`<span class="who" dir="ltr">${user.email}</span>`);
    const chooseForm = parseForms(choose.body, choose.url)[0];
    if (!chooseForm) throw new Error('no reset form');
    const mismatch = await arabic.postForm(chooseForm.action, {
      ...chooseForm.fields,
      password: 'a long new password 1',
      confirm: 'another long password 2',
    });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body).toContain(ar.reset.mismatch);
    const again = parseForms(mismatch.body, mismatch.url)[0];
    if (!again) throw new Error('no reset form');
    const short = await arabic.postForm(again.action, {
      ...again.fields,
      password: 'short',
      confirm: 'short',
    });
    expect(short.status).toBe(422);
    expectLanguage(short, 'ar', 'rtl');
    expect(short.body).toContain(ar.reset.tooShort(8));
    expect(short.body).not.toContain(en.reset.tooShort(8));
  });

  it('B18: the reset mail is written in the language of whoever asked (German page, Arabic app, English by default), and says so in Content-Language', async () => {
    const newestMailTo = (email: string) =>
      waitFor(() => {
        const mail = readMails(portal.dataDir)
          .map(parseMail)
          .reverse()
          .find((m) => m.headers.to === email);
        return mail;
      });
    const cases = [
      { language: 'de', catalog: de, ask: 'page' },
      { language: 'ar', catalog: ar, ask: 'api' },
      { language: 'en', catalog: en, ask: 'api' },
    ] as const;
    for (const { language, catalog, ask } of cases) {
      const user = await createTestUser(portal);
      if (ask === 'page') {
        const client = new HttpClient({ headers: { 'accept-language': 'de-AT,de;q=0.9,en;q=0.5' } });
        const page = await client.get(`${portal.issuer}/reset-password`);
        const form = parseForms(page.body, page.url)[0];
        if (!form) throw new Error('no request form');
        await client.postForm(form.action, { ...form.fields, email: user.email });
      } else {
        const headers: Record<string, string> = language === 'en' ? {} : { 'accept-language': language };
        const answer = await callApi(portal, 'POST', '/password-reset', {
          body: { email: user.email },
          headers,
        });
        expect(answer.status).toBe(202);
      }
      const mail = await newestMailTo(user.email);
      const link = findResetLink(portal.dataDir, user.email);
      if (!link) throw new Error('no reset link in the mail');
      expect(mail.headers['content-language']).toBe(language);
      expect(mail.headers.subject).toBe(catalog.reset.mailSubject);
      expect(mail.text.trim()).toBe(catalog.reset.mailText(user.displayName, link));
      if (language !== 'en') expect(mail.text).not.toContain('password stays');
    }
  });

  it('every language has every text (the same keys as English)', () => {
    const keys = (catalog: object, prefix = ''): string[] =>
      Object.entries(catalog).flatMap(([key, value]) =>
        typeof value === 'object' ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`],
      );
    expect(keys(de)).toEqual(keys(en));
    expect(keys(ar)).toEqual(keys(en));
  });
});

describe('the root address', () => {
  it('says what the portal is and links to the account pages, in the browser’s language (not "Not Found")', async () => {
    for (const [lang, catalog, dir] of [
      ['en', en, 'ltr'],
      ['de', de, 'ltr'],
      ['ar', ar, 'rtl'],
    ] as const) {
      const page = await new HttpClient({ headers: { 'accept-language': lang } }).get(`${portal.issuer}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expectLanguage(page, lang, dir);
      expect(page.body).toContain(`<h1>${catalog.portalName}</h1>`);
      expect(page.body).toContain(escaped(catalog.home.intro));
      expect(page.body).toContain(`<a href="/reset-password">${escaped(catalog.home.resetPassword)}</a>`);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
    }
    const english = await new HttpClient().get(`${portal.issuer}/`);
    expect(english.body).toContain('Company portal');
    expect(english.body).toContain('sign-in service for Portal Launcher');
  });
});
