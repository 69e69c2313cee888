/**
 * The worker must handle every job the api can enqueue, each by exactly one class:
 * a missing handler would leave jobs queued forever, a duplicate makes the choice arbitrary.
 */
export function handlerProblems(jobNames: readonly string[], handledNames: readonly string[]): string[] {
  const problems: string[] = [];
  for (const name of jobNames) {
    const count = handledNames.filter((n) => n === name).length;
    if (count === 0) problems.push(`job '${name}' has no handler`);
    if (count > 1) problems.push(`job '${name}' has ${count} handlers`);
  }
  for (const name of new Set(handledNames)) {
    if (!jobNames.includes(name)) problems.push(`handler for '${name}', which is not a job in libs/jobs`);
  }
  return problems;
}
