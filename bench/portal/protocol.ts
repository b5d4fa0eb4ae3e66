/** What the portal benchmark's processes tell each other (bench/portal.ts, serve.ts, load.ts). */
import type { DemoAccounts } from '../../server/src/seed.ts';

/** Starts the line on which a server process announces its address (the portal also logs to stdout). */
export const READY = 'BENCH_READY';

/**
 * What serve.ts runs: the portal (migrates, seeds demo data, starts demo apps),
 * another portal node joining its database (no seeding), or the bare koa baseline.
 */
export type ServeKind = 'portal' | 'node' | 'baseline';

/** What a server process announces on its {@link READY} line. */
export interface Announcement {
  /** Where clients go: the issuer (a load balancer's address when `PORTAL_ISSUER` names one). */
  url: string;
  /** Where this process itself listens. */
  address: string;
  /** The demo accounts, from the process that seeded them. */
  demo?: DemoAccounts;
}

/** The line load.ts prints as its measured phase starts (after the warm-up), so the server's CPU is read from then on. */
export const MEASURING = 'BENCH_MEASURING';

/** One load phase, handed to load.ts as JSON in argv[2]. */
export interface LoadPlan {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A form body; `{refresh_token}` in it is replaced by a token from the pool (rotating refresh tokens). */
  form?: Record<string, string>;
  /** One refresh token per connection: each response's new token goes back into the pool. */
  refreshTokens?: string[];
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

/** What load.ts prints (one JSON line). */
export interface LoadResult {
  requests: number;
  /** Average requests per second over the measured phase. */
  perSecond: number;
  p50: number;
  p99: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Responses with a status other than 2xx. */
  non2xx: number;
  /** Requests completed in each second of the measured phase. */
  perSecondSeries: number[];
}
