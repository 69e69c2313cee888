import { clusterConcern, databaseConcern, loadConfig, logConcern, redisConcern, storageConcern, workerConcern } from '@hivehub/config';

/** Everything a worker node reads from its environment, parsed once at boot. */
export const workerConcerns = {
  worker: workerConcern,
  database: databaseConcern,
  redis: redisConcern,
  storage: storageConcern,
  cluster: clusterConcern,
  log: logConcern,
};

export type WorkerSettings = ReturnType<typeof loadWorkerSettings>;

export function loadWorkerSettings(env?: Record<string, string | undefined>) {
  return loadConfig(workerConcerns, env);
}
