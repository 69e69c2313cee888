import { readFileSync, writeFileSync } from 'node:fs';

/** This process's resident set (VmRSS) in bytes. */
export function rssBytes(): number {
  return statusField('VmRSS');
}

/**
 * Peak resident set of an operation above the resident set it started from. Linux
 * resets VmHWM (the high-water mark) when "5" is written to clear_refs, so the peak
 * is the operation's own, not that of the shard build before it.
 */
export async function peakAbove<T>(operation: () => Promise<T>): Promise<{ value: T; baseline: number; peak: number }> {
  global.gc?.();
  writeFileSync('/proc/self/clear_refs', '5');
  const baseline = rssBytes();
  const value = await operation();
  return { value, baseline, peak: statusField('VmHWM') - baseline };
}

function statusField(name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  if (!match) throw new Error(`/proc/self/status has no ${name}`);
  return Number(match[1]) * 1024;
}
