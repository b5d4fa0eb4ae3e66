/**
 * The apps of the Glewlwyd end-to-end tests and the launcher policy that
 * names them: pages of a tiny loopback server that say which app they are
 * (so "landed in the app" is checkable), Team Wiki (plain) and Payroll
 * (requires MFA within {@link PAYROLL_MFA_MAX_AGE} s).
 */
import http from 'node:http';
import type net from 'node:net';

export const APPS = { wiki: 'Team Wiki', payroll: 'Payroll' } as const;

/** Payroll's `mfaMaxAgeSeconds`: the step-up asks Glewlwyd for `max_age` this long. */
export const PAYROLL_MFA_MAX_AGE = 300;

export interface AppServer {
  url: string;
  /** Paths requested, in order. */
  hits: string[];
  close(): Promise<void>;
}

export async function serveApps(): Promise<AppServer> {
  const hits: string[] = [];
  const server = http.createServer((request, response) => {
    const name = APPS[(request.url ?? '/').slice(1).split('?')[0] as keyof typeof APPS];
    hits.push(request.url ?? '/');
    response.writeHead(name ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      name ? `<!doctype html><title>${name}</title><h1 data-testid="app">${name}</h1>` : 'not found',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The launcher's managed configuration for provider-only mode with Glewlwyd
 * (the same keys in Chromium's and Firefox's policy files): the issuer, the
 * step-up rule docs/admin.md gives for Glewlwyd (no `acr`, its factors in
 * `amr`) and the two apps.
 */
export function glewlwydLauncherPolicy(issuer: string, apps: AppServer): Record<string, unknown> {
  return {
    portalUrl: issuer,
    stepUpAssurance: { [issuer]: { acceptAmrWithoutAcr: true } },
    apps: [
      { id: 'team-wiki', name: APPS.wiki, url: `${apps.url}/wiki`, category: 'Knowledge' },
      {
        id: 'payroll',
        name: APPS.payroll,
        url: `${apps.url}/payroll`,
        category: 'HR',
        requiresMfa: true,
        mfaMaxAgeSeconds: PAYROLL_MFA_MAX_AGE,
      },
    ],
  };
}
