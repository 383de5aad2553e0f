/** What one streamed completion delivered. */
export interface StreamedCompletion {
  readonly status: number;
  readonly events: readonly Record<string, unknown>[];
  readonly sawDone: boolean;
  /** True when this client hung up on purpose. */
  readonly disconnected: boolean;
}

/**
 * POSTs a streaming request and reads its server-sent events; with `disconnectAfterEvents`, aborts the
 * connection after that many events (a client that goes away mid-stream).
 */
export async function streamRequest(url: string, body: unknown, disconnectAfterEvents?: number): Promise<StreamedCompletion> {
  const controller = new AbortController();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: controller.signal });
  const events: Record<string, unknown>[] = [];
  if (response.body === null) return { status: response.status, events, sawDone: false, disconnected: false };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let sawDone = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!event.startsWith('data: ')) continue;
        const data = event.slice(6);
        if (data === '[DONE]') sawDone = true;
        else events.push(JSON.parse(data) as Record<string, unknown>);
        if (disconnectAfterEvents !== undefined && events.length >= disconnectAfterEvents) {
          controller.abort();
          await reader.cancel().catch(() => undefined);
          return { status: response.status, events, sawDone, disconnected: true };
        }
      }
    }
  } finally {
    reader.releaseLock();
  }
  return { status: response.status, events, sawDone, disconnected: false };
}
