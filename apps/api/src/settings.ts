import {
  apiConcern,
  clusterConcern,
  databaseConcern,
  loadConfig,
  logConcern,
  redisConcern,
  schedulesConcern,
  storageConcern,
} from '@hivehub/config';

/** Everything the api process reads from its environment, parsed once at boot. */
export const apiConcerns = {
  api: apiConcern,
  database: databaseConcern,
  redis: redisConcern,
  storage: storageConcern,
  cluster: clusterConcern,
  schedules: schedulesConcern,
  log: logConcern,
};

export type ApiSettings = ReturnType<typeof loadApiSettings>;

export function loadApiSettings(env?: Record<string, string | undefined>) {
  return loadConfig(apiConcerns, env);
}
