import net from 'node:net';
import { S3ObjectStorage } from './s3-object-storage';

// The shared contract against a live s3rver is in object-storage.int-spec.ts.
describe('S3ObjectStorage', () => {
  const settings = (endpoint: string) => ({
    endpoint,
    region: 'us-east-1',
    bucket: 'hivehub-test',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  });

  it('check() rejects with unavailable within 10 s when nothing listens', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const storage = new S3ObjectStorage(settings(`http://127.0.0.1:${port}`));
    const started = Date.now();
    try {
      await expect(storage.check()).rejects.toMatchObject({ code: 'unavailable' });
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      storage.destroy();
    }
  });

  it('check() gives up within about 10 s when the server accepts but never answers', async () => {
    // Accepts connections and then says nothing, like a hung proxy.
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const storage = new S3ObjectStorage(settings(`http://127.0.0.1:${port}`));
    const started = Date.now();
    try {
      await expect(storage.check()).rejects.toMatchObject({ code: 'unavailable' });
      expect(Date.now() - started).toBeLessThan(12_000);
    } finally {
      storage.destroy();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 20_000);

  it('describes itself by bucket and endpoint, without credentials', () => {
    const storage = new S3ObjectStorage(settings('http://user:pw@minio.local:9000'));
    expect(storage.description).toBe('s3:hivehub-test@http://minio.local:9000');
    expect(storage.description).not.toContain('S3RVER');
    storage.destroy();
    const aws = new S3ObjectStorage({ ...settings(''), endpoint: undefined, region: 'eu-west-1' });
    expect(aws.description).toBe('s3:hivehub-test@aws/eu-west-1');
    aws.destroy();
  });
});
