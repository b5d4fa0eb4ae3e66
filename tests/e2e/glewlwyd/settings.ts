/**
 * What the Glewlwyd end-to-end setup applies through Glewlwyd's admin REST
 * API, as plain data: docs/admin.md ("Glewlwyd") shows the same bodies, and
 * tests/unit/glewlwyd-docs.test.ts checks that the two agree.
 */
import { LAUNCHER_CLIENT_ID, LAUNCHER_REDIRECT_URIS, LAUNCHER_SCOPES } from '../../../contract/constants.ts';

/** How long a TOTP verification counts in Glewlwyd's session, seconds (short: step-up must ask again). */
export const OTP_SESSION_SECONDS = 20;
/** Access token lifetime, seconds: short, so the test sees a real expiry and refresh. */
export const ACCESS_TOKEN_SECONDS = 40;

/**
 * The settings applied through the admin API, in order. Exported so the
 * documentation test can compare docs/admin.md with what really runs.
 */
export function glewlwydSettings(issuer: string, key: { key: string; cert: string }) {
  const scopes = LAUNCHER_SCOPES.split(' ');
  return {
    otpScheme: {
      module: 'otp',
      name: 'otp',
      display_name: 'Authenticator app',
      expiration: OTP_SESSION_SECONDS,
      max_use: 0,
      allow_user_register: false,
      parameters: {
        issuer,
        'secret-minimum-size': 16,
        'otp-length': 6,
        'hotp-allow': false,
        'hotp-window': 0,
        'totp-allow': true,
        'totp-window': 30,
        'totp-start-offset': 0,
      },
    },
    /** `openid` exists in the schema (no factor): it gets the password. */
    openidScope: {
      name: 'openid',
      display_name: 'Open ID',
      description: 'Sign in to Portal Launcher',
      password_required: true,
      password_max_age: 0,
      scheme: {},
    },
    otherScopes: [
      {
        name: 'profile',
        display_name: 'Profile',
        description: 'Your name',
        password_required: true,
        password_max_age: 0,
        scheme: {},
      },
      {
        name: 'email',
        display_name: 'E-mail',
        description: 'Your e-mail address',
        password_required: true,
        password_max_age: 0,
        scheme: {},
      },
      {
        name: 'offline_access',
        display_name: 'Stay signed in',
        description: 'Portal Launcher keeps you signed in (needs your authenticator code)',
        password_required: true,
        password_max_age: 0,
        scheme: { mfa: [{ scheme_type: 'otp', scheme_name: 'otp' }] },
        scheme_required: { mfa: 1 },
      },
    ],
    oidcPlugin: {
      module: 'oidc',
      name: 'oidc',
      display_name: 'OpenID Connect',
      parameters: {
        iss: issuer,
        'jwt-type': 'rsa',
        'jwt-key-size': '256',
        key: key.key,
        cert: key.cert,
        'jwks-show': true,
        'access-token-duration': ACCESS_TOKEN_SECONDS,
        'refresh-token-duration': 1_209_600,
        'code-duration': 600,
        'refresh-token-rolling': true,
        'allow-non-oidc': false,
        'auth-type-code-enabled': true,
        'auth-type-token-enabled': false,
        'auth-type-id-token-enabled': false,
        'auth-type-none-enabled': false,
        'auth-type-password-enabled': false,
        'auth-type-client-enabled': false,
        'auth-type-device-enabled': false,
        'auth-type-refresh-enabled': true,
        'pkce-allowed': true,
        'pkce-method-plain-allowed': false,
        'pkce-required': false,
        'pkce-required-public-client': true,
        'allowed-scope': scopes,
        'name-claim': 'mandatory',
        'email-claim': 'mandatory',
        scope: [],
        'additional-parameters': [],
        claims: [],
        'request-parameter-allow': false,
        'secret-type': 'pairwise',
        'address-claim': { type: 'no' },
      },
    },
    client: {
      client_id: LAUNCHER_CLIENT_ID,
      name: 'Portal Launcher',
      description: 'Browser extension (public client, PKCE)',
      enabled: true,
      confidential: false,
      redirect_uri: [...LAUNCHER_REDIRECT_URIS],
      authorization_type: ['code', 'refresh_token'],
      scope: [],
    },
  };
}

/** The employee's account (`POST /api/user/`): password and the scopes the launcher asks for. */
export function userBody(user: { username: string; password: string; name: string; email: string }) {
  return {
    username: user.username,
    password: user.password,
    name: user.name,
    email: user.email,
    enabled: true,
    // g_profile lets the user grant consent through Glewlwyd's profile API.
    scope: [...LAUNCHER_SCOPES.split(' '), 'g_profile'],
  };
}

/** The user's TOTP (`POST /api/delegate/<user>/profile/scheme/register/`): 30 s steps, 6 digits, SHA-1. */
export function totpRegistrationBody(username: string, secret: string) {
  return {
    username,
    scheme_type: 'otp',
    scheme_name: 'otp',
    value: { type: 'TOTP', secret, time_step_size: 30 },
  };
}

/** Consent (`PUT /api/auth/grant/<client>`, as the user): the scopes space-separated (commas give 401). */
export function grantBody() {
  return { scope: LAUNCHER_SCOPES };
}
