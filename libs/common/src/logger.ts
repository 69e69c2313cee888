import { ConsoleLogger, type LogLevel } from '@nestjs/common';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** The process logger: levels up to `level`, as text or one JSON object per line. */
export function createLogger(options: { level: LogLevel; format: 'text' | 'json' }, context: string): ConsoleLogger {
  return new ConsoleLogger(context, {
    logLevels: LEVELS.slice(0, LEVELS.indexOf(options.level) + 1),
    json: options.format === 'json',
    colors: options.format === 'text' && process.stdout.isTTY === true,
  });
}
