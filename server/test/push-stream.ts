/**
 * `GET /me/push/stream` read as the launcher's background reads it (server-sent events), for the
 * push tests and bench/push.ts: each `next()` is the next `prompts` event's list; keep-alive
 * comments and other events are skipped.
 */
import { type PushPrompt, pushPromptsResponseSchema } from '../../contract/push.ts';

export interface PromptStream {
  /** The stream's HTTP answer (status, headers). */
  response: Response;
  next(): Promise<PushPrompt[]>;
  close(): void;
}

export async function openPromptStream(issuer: string, token: string): Promise<PromptStream> {
  const abort = new AbortController();
  const response = await fetch(`${issuer}/api/v1/me/push/stream`, {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    response,
    async next() {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(event)?.[1];
          if (/^event: prompts$/m.test(event) && data)
            return pushPromptsResponseSchema.parse(JSON.parse(data)).prompts;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    close: () => abort.abort(),
  };
}
