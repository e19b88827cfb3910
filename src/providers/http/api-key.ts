// API keys are named by environment variable in config and read at call time, so a key never
// sits in a config file, a result, a cache key or an error message (only the variable's name does).
import { ConfigError } from '../../core/errors.js';

/** Reads the key; a required key that is unset is a ConfigError naming the variable. */
export function readApiKey(envName: string | undefined, required: boolean, providerId: string): string | undefined {
  if (envName === undefined) return undefined;
  const value = process.env[envName];
  if (value === undefined || value === '') {
    if (required) throw new ConfigError(`${providerId} needs an API key: set the environment variable ${envName} (or name another one with apiKeyEnv)`);
    return undefined;
  }
  return value;
}
