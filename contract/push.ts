/**
 * Push approvals with number matching (issue 13; SECURITY.md A15, B15): what
 * the launcher and the portal agree on — the limits, the API bodies, and the
 * exact bytes an approver device signs.
 *
 * Framework-free: both sides import it.
 */
import * as z from 'zod/mini';
import { lazy } from './lazy.ts';

/** A prompt lives at most this long (B15: ≤ 2 minutes). */
export const PUSH_PROMPT_LIFETIME_SECONDS = 120;
/** Prompts one person may be sent per {@link PUSH_RATE_WINDOW_SECONDS} (B15: rate-limited per user). */
export const PUSH_PROMPTS_PER_WINDOW = 5;
export const PUSH_RATE_WINDOW_SECONDS = 600;
/** Approver devices per person (B21). */
export const MAX_APPROVERS_PER_USER = 20;
/** Pending prompts of one person at a time (at most one per sign-in, and few sign-ins at once). */
export const MAX_PENDING_PROMPTS = 20;

const id = lazy(() => z.string().check(z.minLength(1), z.maxLength(100)));
const isoDate = lazy(() => z.iso.datetime({ offset: true }));
/** One coordinate of a P-256 point: 32 bytes, base64url without padding. */
const coordinate = lazy(() => z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/, 'Not a P-256 coordinate.')));

/**
 * The public half of an approver's ECDSA P-256 key as a JWK (RFC 7518 §6.2.1).
 * A JWK with a private part (`d`) is refused: the device key never leaves the
 * device (A15). Other members (`ext`, `key_ops`) are dropped.
 */
export const approverPublicKeySchema = lazy(() =>
  z.object({
    kty: z.literal('EC'),
    crv: z.literal('P-256'),
    x: coordinate,
    y: coordinate,
    d: z.optional(z.undefined({ error: 'This is a private key; send only the public key.' })),
  }),
);
export type ApproverPublicKey = z.infer<typeof approverPublicKeySchema>;

/** `POST /me/approvers` */
export const approverCreateSchema = lazy(() =>
  z.object({
    name: z.string().check(z.trim(), z.minLength(1, 'Give the device a name.'), z.maxLength(100)),
    publicKey: approverPublicKeySchema,
  }),
);
export type ApproverCreate = z.infer<typeof approverCreateSchema>;

export const approverSchema = lazy(() =>
  z.object({
    id,
    name: z.string().check(z.maxLength(200)),
    createdAt: isoDate,
    lastUsedAt: z.nullable(isoDate),
  }),
);
export type Approver = z.infer<typeof approverSchema>;
export const approversResponseSchema = lazy(() =>
  z.object({
    approvers: z.array(approverSchema).check(z.maxLength(MAX_APPROVERS_PER_USER)),
  }),
);

/** A pending prompt as an approver sees it: three numbers to choose from, where and what. */
export const pushPromptSchema = lazy(() =>
  z.object({
    id,
    /** Three different two-digit numbers; one is on the sign-in page. */
    choices: z.array(z.int().check(z.gte(10), z.lte(99))).check(z.length(3)),
    /** The app the sign-in is for, when the portal knows it. */
    app: z.nullable(z.string().check(z.maxLength(200))),
    /** Browser and system of the sign-in ("Firefox on Windows"), when known. */
    browser: z.nullable(z.string().check(z.maxLength(200))),
    /** The address the sign-in came from. */
    ipAddress: z.nullable(z.string().check(z.maxLength(100))),
    createdAt: isoDate,
    expiresAt: isoDate,
  }),
);
export type PushPrompt = z.infer<typeof pushPromptSchema>;
export const pushPromptsResponseSchema = lazy(() =>
  z.object({
    prompts: z.array(pushPromptSchema).check(z.maxLength(MAX_PENDING_PROMPTS)),
  }),
);

/** What an approver answers: approve with a number, deny, or "this wasn't me". */
export const PUSH_DECISIONS = ['approve', 'deny', 'not_me'] as const;
export type PushDecision = (typeof PUSH_DECISIONS)[number];

/** `POST /me/push/prompts/{id}/answer` */
export const pushAnswerSchema = lazy(() =>
  z.object({
    deviceId: id,
    decision: z.enum(PUSH_DECISIONS),
    /** The number chosen (approve); null for deny and "this wasn't me". */
    number: z.nullable(z.int().check(z.gte(10), z.lte(99))),
    /** ECDSA P-256 / SHA-256 over {@link pushAnswerMessage}, as WebCrypto gives it (r‖s), base64url. */
    signature: z.string().check(z.regex(/^[A-Za-z0-9_-]{86}$/, 'Not an ECDSA P-256 signature.')),
  }),
);
export type PushAnswer = z.infer<typeof pushAnswerSchema>;

/** How the portal took an answer. A wrong number refuses the sign-in like a deny. */
export const pushOutcomeSchema = lazy(() =>
  z.object({
    outcome: z.enum(['approved', 'denied', 'reported', 'wrong_number']),
  }),
);
export type PushOutcome = z.infer<typeof pushOutcomeSchema>['outcome'];

/**
 * The exact bytes an approver signs: the prompt, the number chosen and the
 * decision, under a label naming this protocol (so the signature means
 * nothing anywhere else). Both sides build it with this one function.
 */
export function pushAnswerMessage(
  promptId: string,
  number: number | null,
  decision: PushDecision,
): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(
    JSON.stringify(['portal-launcher push answer v1', promptId, number, decision]),
  );
}

/** Server-sent event names of `GET /me/push/stream`: the whole pending list each time it changes. */
export const PUSH_STREAM_EVENT = 'prompts';
/** The stream sends a comment at least this often, so idle proxies and workers stay up (< 30 s). */
export const PUSH_STREAM_KEEPALIVE_SECONDS = 20;
