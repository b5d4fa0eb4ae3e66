/**
 * The demo SAML app "Expenses": a real SAML 2.0 service provider on its own
 * loopback port, built on `@node-saml/node-saml` — deliberately not the
 * portal's samlify — so the two implementations check each other (issue 14).
 *
 * - `POST /saml/acs` validates the portal's Response (signatures on Response
 *   and Assertion against the certificate from the portal's metadata, issuer,
 *   audience, recipient, validity window, and `InResponseTo` for requests it
 *   sent) and signs the person in; IdP-initiated Responses are accepted too
 *   (that is how the launcher opens it).
 * - `GET /login` is its own "Sign in" button: an SP-initiated AuthnRequest over
 *   HTTP-Redirect.
 * - `GET /` shows who signed in and with which authentication context
 *   (`AuthnContextClassRef`, `AuthnInstant`); `GET /saml/metadata` is the SP
 *   metadata an admin would give `app add-saml --metadata`.
 */
import type http from 'node:http';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { readFormBody } from '../api/body.ts';
import { html } from '../views/html.ts';
import { createSessions, page, redirect, serveDemo } from './kit.ts';

/** The Expenses app's id in the portal. */
export const EXPENSES_ID = 'expenses';
export const EXPENSES_NAME = 'Expenses';

/** The portal's side, known once the portal has its keys. */
export interface ExpensesRegistration {
  /** The IdP's entity ID (its metadata URL). */
  idpEntityId: string;
  ssoUrl: string;
  /** The IdP's signing certificate (PEM or base64 DER). */
  idpCert: string;
}

interface SignedIn {
  nameId: string;
  name: string | null;
  authnContext: string;
  authnInstant: string;
}

/** A listening Expenses app. */
export interface RunningExpenses {
  url: string;
  /** Its SP entity ID and ACS (what the portal registers). */
  entityId: string;
  acsUrl: string;
  register(registration: ExpensesRegistration): void;
  close(): Promise<void>;
}

/** The authentication statement of a validated assertion (node-saml's parsed form). */
function authnStatement(assertion: Record<string, unknown> | undefined): {
  context: string;
  instant: string;
} {
  type Node = { $?: Record<string, string>; _?: string } & Record<string, unknown>;
  const statement = ((assertion?.Assertion as Node | undefined)?.AuthnStatement as Node[] | undefined)?.[0];
  const classRef = (
    (statement?.AuthnContext as Node[] | undefined)?.[0]?.AuthnContextClassRef as
      | Array<Node | string>
      | undefined
  )?.[0];
  return {
    context: typeof classRef === 'string' ? classRef : (classRef?._ ?? ''),
    instant: statement?.$?.AuthnInstant ?? '',
  };
}

/** Starts Expenses on `host`, random port. Call `register` before users arrive. */
export async function startExpensesApp(options: {
  host: string;
  log: (line: string) => void;
}): Promise<RunningExpenses> {
  const sessionOf = createSessions<{ user?: SignedIn }>('expenses_session');
  let saml: SAML | undefined;
  let entityId = '';
  let acsUrl = '';

  const server = await serveDemo(EXPENSES_NAME, options, async (req: http.IncomingMessage, res, base) => {
    const url = new URL(req.url ?? '/', base);
    const { session, cookie } = sessionOf(req);
    if (url.pathname === '/saml/metadata') {
      res.writeHead(200, { 'Content-Type': 'application/samlmetadata+xml' });
      res.end(
        new SAML({ idpCert: 'none', issuer: entityId, callbackUrl: acsUrl }).generateServiceProviderMetadata(
          null,
        ),
      );
      return;
    }
    if (url.pathname === '/login' && saml) {
      return redirect(res, await saml.getAuthorizeUrlAsync('/', undefined, {}), cookie);
    }
    if (url.pathname === '/saml/acs' && req.method === 'POST' && saml) {
      const form = await readFormBody(req, 256 * 1024);
      try {
        const { profile } = await saml.validatePostResponseAsync(Object.fromEntries(form));
        if (!profile) throw new Error('no profile');
        const statement = authnStatement(profile.getAssertion?.());
        session.user = {
          nameId: profile.nameID,
          name: typeof profile.displayName === 'string' ? profile.displayName : null,
          authnContext: statement.context,
          authnInstant: statement.instant,
        };
      } catch (error) {
        options.log(`${EXPENSES_NAME}: refused a SAML Response: ${(error as Error).message}`);
        return page(
          res,
          403,
          EXPENSES_NAME,
          html`<h1>${EXPENSES_NAME}</h1>
<p role="alert" data-testid="error">The portal's answer could not be verified. <a href="/login">Sign in again</a>.</p>`,
        );
      }
      return redirect(res, '/', cookie);
    }
    if (url.pathname === '/') {
      const { user } = session;
      res.setHeader('Cache-Control', 'no-store');
      if (cookie) res.setHeader('Set-Cookie', cookie);
      if (!user) {
        return page(
          res,
          200,
          EXPENSES_NAME,
          html`<h1>${EXPENSES_NAME}</h1>
<p data-testid="signed-out">You are not signed in.</p>
<p><a href="/login" data-testid="sign-in">Sign in with your company account</a></p>`,
        );
      }
      return page(
        res,
        200,
        `${EXPENSES_NAME} — ${user.name ?? user.nameId}`,
        html`<h1>${EXPENSES_NAME}</h1>
<p data-testid="signed-in">Signed in as <span class="who">${user.name ?? user.nameId}</span> (${user.nameId})</p>
<p class="hint">A demo app of the reference portal. It signed you in through the portal (SAML 2.0); this is what the portal's assertion said:</p>
<dl>
<dt>NameID</dt><dd data-testid="name-id">${user.nameId}</dd>
<dt>Authentication context</dt><dd data-testid="authn-context">${user.authnContext}</dd>
<dt>Authenticated at</dt><dd data-testid="authn-instant">${user.authnInstant}</dd>
</dl>`,
      );
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('Not found');
  });
  entityId = `${server.url}/saml/metadata`;
  acsUrl = `${server.url}/saml/acs`;

  return {
    url: server.url,
    entityId,
    acsUrl,
    register(registration) {
      saml = new SAML({
        idpCert: registration.idpCert,
        idpIssuer: registration.idpEntityId,
        entryPoint: registration.ssoUrl,
        issuer: entityId,
        audience: entityId,
        callbackUrl: acsUrl,
        wantAssertionsSigned: true,
        wantAuthnResponseSigned: true,
        validateInResponseTo: ValidateInResponseTo.ifPresent,
        acceptedClockSkewMs: 5_000,
      });
    },
    close: server.close,
  };
}
