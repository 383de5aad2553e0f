// Typed reads of config fields. Each failure names the file and the field, and says what was found.
import type { JsonObject } from './jsonFile.js';
import { ModelDirError } from './modelDirError.js';

export class ConfigReader {
  constructor(
    private readonly config: JsonObject,
    readonly file: string,
  ) {}

  has(key: string): boolean {
    return this.config[key] !== undefined && this.config[key] !== null;
  }

  private fail(key: string, expected: string): never {
    const found = this.has(key) ? JSON.stringify(this.config[key]) : 'nothing';
    throw new ModelDirError('invalid-config', this.file, `field "${key}" must be ${expected}, found ${found}`);
  }

  /** The first of `keys` that is present must be a positive integer (the names vary between model types). */
  positiveInt(...keys: readonly string[]): number {
    const key = keys.find((k) => this.has(k)) ?? (keys[0] as string);
    const value = this.config[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) this.fail(key, 'a positive integer');
    return value;
  }

  optionalPositiveInt(key: string): number | undefined {
    return this.has(key) ? this.positiveInt(key) : undefined;
  }

  positiveNumber(key: string, fallback?: number): number {
    if (!this.has(key) && fallback !== undefined) return fallback;
    const value = this.config[key];
    if (typeof value !== 'number' || !(value > 0)) this.fail(key, 'a positive number');
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const value = this.config[key];
    if (typeof value !== 'boolean') this.fail(key, 'true or false');
    return value;
  }

  /** A token id or list of token ids (eos_token_id may be either); absent gives []. */
  tokenIds(key: string): readonly number[] {
    if (!this.has(key)) return [];
    const value = this.config[key];
    const ids = Array.isArray(value) ? value : [value];
    if (!ids.every((id) => typeof id === 'number' && Number.isInteger(id) && id >= 0)) this.fail(key, 'a token id or a list of token ids');
    return ids as number[];
  }

  optionalString(key: string): string | undefined {
    const value = this.config[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') this.fail(key, 'a string');
    return value;
  }

  object(key: string): ConfigReader | undefined {
    const value = this.config[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) this.fail(key, 'an object');
    return new ConfigReader(value as JsonObject, this.file);
  }
}
