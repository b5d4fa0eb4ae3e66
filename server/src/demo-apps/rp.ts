/**
 * The demo SSO apps "Team Wiki" and "Payroll": real OpenID Connect relying
 * parties (openid-client 6, confidential clients, PKCE), each served on its
 * own loopback port with its own session cookie name (cookies ignore ports,
 * RFC 6265 §8.5).
 *
 * - `/login` is the app's `initiate_login_uri` (OIDC Core §4): it checks `iss`,
 *   keeps `target_link_uri` only when it points into the app, forwards
 *   `login_hint`, and starts an authorization request. Payroll also asks for
 *   MFA within five minutes (`acr_values`, `max_age`).
 * - `/callback` validates the response (state, nonce, PKCE, ID token) and
 *   shows who signed in with which `acr`/`amr`/`auth_time`. Payroll refuses
 *   a sign-in whose ID token lacks MFA or whose `auth_time` is too old.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ThirdPartyInitiatedLogin
 */
import * as oidc from 'openid-client';
import { ACR_MFA } from '../../../contract/constants.ts';
import { html } from '../views/html.ts';
import { createSessions, page, redirect, serveDemo } from './kit.ts';

/** What distinguishes one demo app from the other. */
export interface DemoAppDefinition {
  /** App id in the portal (`team-wiki`, `payroll`). */
  id: string;
  name: string;
  cookieName: string;
  /** Require `acr` = MFA with `auth_time` no older than this many seconds. */
  mfaMaxAgeSeconds?: number;
  /**
   * Path of the app's public "about" page, registered as its details link
   * (what it is, who owns it, how to get access). Open without signing in.
   */
  detailsPath?: string;
  /** What the about page says (one paragraph each). */
  about?: string[];
}

/** Team Wiki: any signed-in employee, no MFA. */
export const TEAM_WIKI: DemoAppDefinition = {
  id: 'team-wiki',
  name: 'Team Wiki',
  cookieName: 'team_wiki_session',
};
/** Payroll: MFA no older than five minutes. */
export const PAYROLL: DemoAppDefinition = {
  id: 'payroll',
  name: 'Payroll',
  cookieName: 'payroll_session',
  mfaMaxAgeSeconds: 300,
  detailsPath: '/about',
  about: [
    'Payroll shows your pay slips, tax forms and the bank account your salary is paid into.',
    'Because it holds financial data, it asks for your authenticator code when your last one is more than five minutes old.',
    'Owned by the Finance team (payroll@example.com). Every employee has access; ask Finance if it is missing from your launcher.',
  ],
};

/** The app's client registration at the portal (from the `apps` table). */
export interface DemoAppRegistration {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  target: string;
}

interface SignedIn {
  name: string;
  email: string;
  acr: string;
  amr: string[];
  authTime: number;
}

interface DemoSession {
  pending?: PendingLogin;
  user?: SignedIn;
}

/** A listening demo app. */
export interface RunningDemoApp {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Supplies the registration once the portal knows it (the app listens first to learn its port). */
  register(registration: DemoAppRegistration): void;
  close(): Promise<void>;
}

/** Starts a demo app on `host`, random port. Call `register` before users arrive. */
export async function startDemoApp(
  app: DemoAppDefinition,
  options: { host: string; log: (line: string) => void },
): Promise<RunningDemoApp> {
  const sessionOf = createSessions<DemoSession>(app.cookieName);
  let registration: DemoAppRegistration | undefined;
  let configuration: Promise<oidc.Configuration> | undefined;

  const getConfiguration = () => {
    if (!registration) throw new Error(`${app.name} is not registered with the portal yet.`);
    const { issuer, clientId, clientSecret } = registration;
    configuration ??= oidc
      .discovery(new URL(issuer), clientId, clientSecret, oidc.ClientSecretBasic(clientSecret), {
        // Loopback http only: the demo apps run beside the portal on 127.0.0.1.
        execute: new URL(issuer).protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        configuration = undefined;
        throw error;
      });
    return configuration;
  };

  const server = await serveDemo(app.name, options, async (req, res, base) => {
    const url = new URL(req.url ?? '/', base);
    const { session, cookie } = sessionOf(req);

    if (url.pathname === '/login') {
      if (!registration || url.searchParams.get('iss') !== registration.issuer) {
        return page(
          res,
          400,
          'Unknown identity provider',
          html`<h1>Unknown identity provider</h1>
<p role="alert">${app.name} only accepts sign-ins started by its own portal.</p>`,
        );
      }
      const config = await getConfiguration();
      // target_link_uri must point into this app, or it is ignored (no open redirect).
      const requested = url.searchParams.get('target_link_uri');
      const target =
        requested && new URL(requested, base).origin === base ? new URL(requested).href : `${base}/`;
      const pending: PendingLogin = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
        target,
      };
      session.pending = pending;
      const loginHint = url.searchParams.get('login_hint');
      const authorizationUrl = oidc.buildAuthorizationUrl(config, {
        redirect_uri: `${base}/callback`,
        scope: 'openid profile email',
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
        ...(loginHint ? { login_hint: loginHint } : {}),
        ...(app.mfaMaxAgeSeconds !== undefined
          ? { acr_values: ACR_MFA, max_age: String(app.mfaMaxAgeSeconds), launch_app: app.id }
          : {}),
      });
      return redirect(res, authorizationUrl.href, cookie);
    }

    if (url.pathname === '/callback') {
      const pending = session.pending;
      session.pending = undefined;
      if (!pending) {
        return page(
          res,
          400,
          'Sign-in expired',
          html`<h1>Sign-in expired</h1>
<p role="alert">This sign-in was not started here or was already used. <a href="/">Start again</a>.</p>`,
        );
      }
      try {
        const tokens = await oidc.authorizationCodeGrant(await getConfiguration(), url, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims) throw new Error('no ID token');
        const user: SignedIn = {
          name: String(claims.name ?? claims.email ?? claims.sub),
          email: String(claims.email ?? ''),
          acr: String(claims.acr ?? ''),
          amr: Array.isArray(claims.amr) ? claims.amr.map(String) : [],
          authTime: Number(claims.auth_time ?? 0),
        };
        if (app.mfaMaxAgeSeconds !== undefined) {
          const age = Math.floor(Date.now() / 1000) - user.authTime;
          if (user.acr !== ACR_MFA || !user.authTime || age > app.mfaMaxAgeSeconds) {
            options.log(`${app.name}: refused a sign-in without fresh MFA (acr=${user.acr})`);
            return page(
              res,
              403,
              `${app.name} needs a fresh second factor`,
              html`<h1>${app.name} needs a fresh second factor</h1>
<p role="alert" data-testid="refused">${app.name} opens only after you verify with your authenticator app in the last ${String(Math.round(app.mfaMaxAgeSeconds / 60))} minutes. Open it again from Portal Launcher.</p>`,
            );
          }
        }
        session.user = user;
        return redirect(res, pending.target, cookie);
      } catch (error) {
        options.log(`${app.name}: sign-in failed: ${error instanceof Error ? error.message : String(error)}`);
        return page(
          res,
          400,
          'Sign-in failed',
          html`<h1>Sign-in failed</h1>
<p role="alert" data-testid="error">The portal did not confirm who you are. <a href="/">Try again</a>.</p>`,
        );
      }
    }

    if (app.detailsPath && app.about && url.pathname === app.detailsPath) {
      return page(
        res,
        200,
        `About ${app.name}`,
        html`<h1>About ${app.name}</h1>
${app.about.map((paragraph) => html`<p>${paragraph}</p>`)}
<p><a href="/">Open ${app.name}</a></p>`,
      );
    }

    if (url.pathname === '/' || url.pathname.startsWith('/pages/')) {
      const user = session.user;
      if (!user) {
        const login = registration
          ? `/login?${new URLSearchParams({ iss: registration.issuer, target_link_uri: url.href })}`
          : '/';
        return page(
          res,
          200,
          app.name,
          html`<h1>${app.name}</h1>
<p data-testid="signed-out">You are not signed in.</p>
<p><a href="${login}">Sign in with your company account</a></p>`,
        );
      }
      res.setHeader('Cache-Control', 'no-store');
      return page(
        res,
        200,
        `${app.name} — ${user.name}`,
        // The app's name as the heading and the person underneath: a long
        // "App — Signed in as …" heading wrapped badly on narrow windows.
        html`<h1>${app.name}</h1>
<p data-testid="signed-in">Signed in as <span class="who">${user.name}</span> (${user.email})</p>
<p class="hint">A demo app of the reference portal. It signed you in through the portal (OpenID Connect); this is what the portal said about you:</p>
<dl>
<dt>acr</dt><dd data-testid="acr">${user.acr}</dd>
<dt>amr</dt><dd data-testid="amr">${user.amr.join(' ')}</dd>
<dt>auth_time</dt><dd data-testid="auth_time">${String(user.authTime)}</dd>
<dt>Signed in at</dt><dd>${new Date(user.authTime * 1000)
          .toISOString()
          .replace('T', ' ')
          .replace(/\.\d+Z$/, ' UTC')}</dd>
</dl>`,
      );
    }

    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('Not found');
  });

  return {
    url: server.url,
    register(next) {
      registration = next;
      configuration = undefined;
    },
    close: server.close,
  };
}
