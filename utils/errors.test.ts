import { describe, expect, it } from 'vitest';
import { AccountError } from './account/errors.ts';
import { AuthError } from './auth/errors.ts';
import { CatalogError } from './catalog/errors.ts';
import { CodedError, isCodedError } from './errors.ts';
import { MessageError } from './message-channel.ts';
import { dispatchMessage, type Handlers } from './messaging.ts';
import { PolicyError } from './policy/index.ts';
import { PortalApiError, StepUpRequiredError } from './portal/api-client.ts';
import { SshKeyError } from './ssh/errors.ts';

const every: Array<[string, CodedError]> = [
  ['AuthError', new AuthError('network', 'The portal did not answer.')],
  ['CatalogError', new CatalogError('favorites_full', 'Full.')],
  ['SshKeyError', new SshKeyError('invalid_key', 'Bad key.')],
  ['PolicyError', new PolicyError('forced', 'Set by your administrator.', { key: 'portalUrl' })],
  ['AccountError', new AccountError('offline', 'Offline.')],
  ['MessageError', new MessageError('background_unavailable', 'Gone.')],
  ['PortalApiError', new PortalApiError('portal_error', 'Refused.', { status: 409 })],
  ['StepUpRequiredError', new StepUpRequiredError({ acrValues: ['mfa'], maxAge: 300 })],
];

describe('one coded error base (CONVENTIONS.md "Errors")', () => {
  it.each(every)('%s is a CodedError with its name and a code', (name, error) => {
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(CodedError);
    expect(isCodedError(error)).toBe(true);
    expect(error.name).toBe(name);
    expect(error.code).toMatch(/^[a-z][a-z_]+$/);
    // No own `cause: undefined` when there is none.
    expect(Object.hasOwn(error, 'cause')).toBe(false);
  });

  it('keeps the cause, and asks by code without duck typing', () => {
    const cause = new TypeError('fetch failed');
    const error = new AuthError('network', 'The portal did not answer.', { cause });
    expect(error.cause).toBe(cause);
    expect(isCodedError(error, 'network', 'cancelled')).toBe(true);
    expect(isCodedError(error, 'cancelled')).toBe(false);
    // Something that merely looks coded is not one of ours.
    expect(isCodedError(Object.assign(new Error('x'), { code: 'network' }), 'network')).toBe(false);
    expect(isCodedError({ code: 'network' })).toBe(false);
  });

  it('large fields stay out of logs and JSON (the portal problem is non-enumerable)', () => {
    const problem = { type: 'about:blank', title: 'Conflict', status: 409, detail: 'x'.repeat(1000) };
    const error = new PortalApiError('portal_error', 'Refused.', { status: 409, problem });
    expect(error.problem).toBe(problem);
    expect(Object.keys(error)).not.toContain('problem');
    expect(JSON.stringify(error)).not.toContain('xxxx');
  });

  it('the message channel sends { name, code, message } as before, and `internal` for an uncoded error', async () => {
    const own = { id: 'ext', baseUrl: 'chrome-extension://ext/' };
    const sender = { id: 'ext', url: 'chrome-extension://ext/popup.html' };
    const envelope = { channel: 'portal-launcher/v1', name: 'signIn', payload: {} };
    const failing = (error: unknown) =>
      dispatchMessage(
        { signIn: async () => Promise.reject(error) } as unknown as Handlers,
        envelope,
        sender,
        own,
      );
    expect(await failing(new AuthError('cancelled', 'You closed the tab.'))).toEqual({
      ok: false,
      error: { name: 'AuthError', code: 'cancelled', message: 'You closed the tab.' },
    });
    expect(await failing(new TypeError('x is undefined'))).toEqual({
      ok: false,
      error: { name: 'TypeError', code: 'internal', message: 'x is undefined' },
    });
  });
});
