import { withTimeout } from './timeout';

describe('withTimeout', () => {
  it('answers with the work when it is in time', async () => {
    await expect(withTimeout(Promise.resolve(7), 1000, 'late')).resolves.toBe(7);
  });

  it('rejects with the message once the time is up, and passes the work’s own failure through', async () => {
    await expect(withTimeout(new Promise(() => undefined), 20, 'Redis did not answer within 20 ms')).rejects.toThrow('Redis did not answer within 20 ms');
    await expect(withTimeout(Promise.reject(new Error('refused')), 1000, 'late')).rejects.toThrow('refused');
  });
});
