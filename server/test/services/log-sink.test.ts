import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createBufferedLog } from '../../src/services/log-sink.ts';

/** A stream that records each write it receives. */
function recorder() {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      writes.push(String(chunk));
      callback();
    },
  });
  return { stream, writes };
}

describe('buffered log sink', () => {
  it('B17: lines leave in one write after the current turn, in order', async () => {
    const { stream, writes } = recorder();
    const sink = createBufferedLog(stream);
    sink.log('audit one');
    sink.log('audit two');
    // Nothing written on the caller's path.
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['audit one\naudit two\n']);
  });

  it('B17: flush at shutdown loses no line', async () => {
    const { stream, writes } = recorder();
    const sink = createBufferedLog(stream);
    for (let i = 0; i < 100; i++) sink.log(`audit ${i}`);
    await sink.flush();
    const lines = writes.join('').split('\n').filter(Boolean);
    expect(lines).toEqual(Array.from({ length: 100 }, (_, i) => `audit ${i}`));
    await sink.flush(); // nothing queued: resolves without writing
    expect(writes.join('').split('\n').filter(Boolean)).toHaveLength(100);
  });

  it('writes at once when the queue reaches its size bound', () => {
    const { stream, writes } = recorder();
    const sink = createBufferedLog(stream, { maxBytes: 20 });
    sink.log('0123456789');
    expect(writes).toEqual([]);
    sink.log('0123456789');
    expect(writes).toEqual(['0123456789\n0123456789\n']);
  });
});
