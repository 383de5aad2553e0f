// The one backend table both tasks read: a row per VLLM_SPYRE_DYNAMO_BACKEND value, with how it serves a
// decoder (generation) and an encoder (pooling), or how it compiles without serving. Adding a backend is one row.
import type { Container } from 'inversify';
import { registerEagerBackend } from '../backends/eager/registerEagerBackend.js';
import { EncoderModel } from '../backends/eager/encoder/encoderModel.js';
import { registerEncoderBackend } from '../backends/eager/encoder/registerEncoderBackend.js';
import { openSendnnEncoder, type SendnnEncoderRunner } from '../backends/sendnn/encoder/sendnnEncoderRunner.js';
import { runSendnnCompileOnly, type CompileOnlyReport } from '../backends/sendnn/sendnnCompileOnly.js';
import { sendnnOptionsFromEnv } from '../backends/sendnn/sendnnOptions.js';
import { startSendnnBackend } from '../backends/sendnn/startSendnnBackend.js';
import type { EnvSource } from '../core/config/envVars.js';
import { EngineConfig, type DynamoBackend } from '../core/contracts/config.js';
import { EngineError } from '../core/contracts/errors.js';
import { Logger } from '../core/contracts/logger.js';
import { PoolingExecutor, type PoolingModelDescription } from '../core/contracts/pooling.js';
import type { ModelDirInfo } from '../models/dir/index.js';

/** A loaded pooling backend, before an engine owns it: what it serves and how to bind it. */
export interface LoadedPoolingBackend {
  readonly info: ModelDirInfo;
  readonly description: PoolingModelDescription;
  /** The `VLLM_SPYRE_DYNAMO_BACKEND` values this backend serves. */
  readonly servesBackends: readonly DynamoBackend[];
  /** Binds the backend's `PoolingExecutor` (and whatever it needs) into the container. */
  register(container: Container): void;
  /** Releases the backend when composition fails before the engine owns it. */
  release(): Promise<void>;
}

/** How a backend serves a decoder: binds the `StepExecutor`; `close` releases what it holds beyond the model. */
export interface DecoderBackend {
  /**
   * True when the backend runs the model through the eager loader's onnxruntime session (which also checks the
   * directory); false when it reads the directory itself (sendnn: its importer refuses what it cannot map).
   */
  readonly runsOnnxSession: boolean;
  bind(container: Container, config: EngineConfig, logger: Logger, env: EnvSource): { close(): void };
}

/** How a backend serves an encoder, over the directory the eager loader has read. */
export interface EncoderBackend {
  readonly releasesOnnxSession: boolean;
  load(model: EncoderModel, env: EnvSource): LoadedPoolingBackend;
}

/** One row of the table: a backend serves decoders and encoders, or only compiles into the cache. */
export interface BackendRow {
  readonly decoder?: DecoderBackend;
  readonly encoder?: EncoderBackend;
  /** Compiles every program the config needs into the cache and records the catalog entry; serves nothing. */
  readonly compile?: (config: EngineConfig, logger: Logger, env: EnvSource) => Promise<CompileOnlyReport>;
}

/** The eager backend of an encoder: the onnxruntime encoder runner. */
function eagerEncoder(model: EncoderModel): LoadedPoolingBackend {
  return {
    info: model.info,
    description: model.description,
    servesBackends: ['eager'],
    register: (container) => {
      container.bind(EncoderModel).toConstantValue(model);
      registerEncoderBackend(container);
    },
    release: () => model.session.release(),
  };
}

/** The sendnn backend of an encoder: the device opened when the config is known, its programs made resident by the engine's warmup. */
function sendnnEncoder(model: EncoderModel, env: EnvSource): LoadedPoolingBackend {
  const sendnnOptions = sendnnOptionsFromEnv(env);
  let runner: SendnnEncoderRunner | undefined;
  return {
    info: model.info,
    description: model.description,
    servesBackends: ['sendnn'],
    register: (container) => {
      runner = openSendnnEncoder(container.get(EngineConfig), container.get(Logger), sendnnOptions);
      container.bind(PoolingExecutor).toConstantValue(runner);
    },
    release: async () => {
      await runner?.close();
    },
  };
}

export const BACKEND_REGISTRY: Readonly<Record<DynamoBackend, BackendRow>> = {
  eager: {
    decoder: {
      runsOnnxSession: true,
      bind: (container) => {
        registerEagerBackend(container);
        return { close: () => undefined };
      },
    },
    encoder: { releasesOnnxSession: false, load: eagerEncoder },
  },
  sendnn: {
    decoder: { runsOnnxSession: false, bind: (container, config, logger, env) => startSendnnBackend(container, config, logger, sendnnOptionsFromEnv(env)) },
    encoder: { releasesOnnxSession: true, load: sendnnEncoder },
  },
  sendnn_compile_only: {
    compile: (config, logger, env) => runSendnnCompileOnly(config, logger, sendnnOptionsFromEnv(env)),
  },
};

/** The backends that serve the given kind of model, in table order (for error messages). */
export function servingBackends(kind: 'decoder' | 'encoder'): readonly DynamoBackend[] {
  return (Object.keys(BACKEND_REGISTRY) as DynamoBackend[]).filter((name) => BACKEND_REGISTRY[name][kind] !== undefined);
}

/**
 * How `backend` serves this kind of model; a compile-only row is refused, naming `startThrough` (the entry
 * point that compiles without serving) and the backends that serve.
 */
export function servingBackend<Kind extends 'decoder' | 'encoder'>(kind: Kind, backend: DynamoBackend, startThrough: string): NonNullable<BackendRow[Kind]> {
  const served = BACKEND_REGISTRY[backend][kind];
  if (served === undefined) {
    throw new EngineError(
      'invalid_config',
      `VLLM_SPYRE_DYNAMO_BACKEND=${backend} compiles into the cache and serves nothing: start through ${startThrough}, or serve with ${servingBackends(kind).join(' or ')}.`,
    );
  }
  return served as NonNullable<BackendRow[Kind]>;
}
