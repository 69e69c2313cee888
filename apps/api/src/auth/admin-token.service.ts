import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomToken, secretsEqual } from '@hivehub/common';
import { InjectConfig, type ApiConfig } from '@hivehub/config';

/**
 * The admin token comes from ADMIN_TOKEN; without it the first start generates one
 * and keeps it in the data dir (mode 0600), so restarts and sibling api processes
 * sharing the dir agree. The token itself is never logged.
 */
@Injectable()
export class AdminTokenService implements OnModuleInit {
  private readonly logger = new Logger('admin-token');
  private token: string;

  constructor(@InjectConfig('api') private readonly api: ApiConfig) {}

  get tokenFile(): string {
    return path.resolve(this.api.dataDir, 'admin-token');
  }

  onModuleInit(): void {
    if (this.api.adminToken) {
      this.token = this.api.adminToken;
      this.logger.log('admin token: taken from ADMIN_TOKEN');
      return;
    }
    mkdirSync(path.dirname(this.tokenFile), { recursive: true });
    try {
      writeFileSync(this.tokenFile, `${randomToken(32)}\n`, { flag: 'wx', mode: 0o600 });
      this.logger.log(`admin token: generated and stored in ${this.tokenFile}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      this.logger.log(`admin token: read from ${this.tokenFile}`);
    }
    this.token = readFileSync(this.tokenFile, 'utf8').trim();
  }

  matches(given: string): boolean {
    return secretsEqual(given, this.token);
  }
}
