import { DynamicModule, Global, Inject, Module } from '@nestjs/common';

const token = (concern: string) => `hivehub.config.${concern}`;

/** Injects one concern's settings: `@InjectConfig('storage') storage: StorageConfig`. */
export const InjectConfig = (concern: string) => Inject(token(concern));

/** Makes settings parsed at boot (by loadConfig in main.ts) injectable per concern. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(settings: Record<string, unknown>): DynamicModule {
    const providers = Object.entries(settings).map(([name, value]) => ({ provide: token(name), useValue: value }));
    return { module: ConfigModule, providers, exports: providers };
  }
}
