import { handlerProblems } from './handler-check';

describe('handlerProblems', () => {
  it('accepts exactly one handler per job', () => {
    expect(handlerProblems(['a', 'b'], ['b', 'a'])).toEqual([]);
  });

  it('names missing, duplicate and unknown handlers', () => {
    expect(handlerProblems(['a', 'b'], ['a', 'a', 'c'])).toEqual([
      "job 'a' has 2 handlers",
      "job 'b' has no handler",
      "handler for 'c', which is not a job in libs/jobs",
    ]);
  });
});
