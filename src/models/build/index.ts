export { buildModel, type BuildModelOptions, type BuiltModel } from './buildModel.js';
export { PRESET_NAMES, getPreset, isPresetName, type ModelPreset, type PresetName } from './presets.js';
export type { BuildProgress, BuildStage, ProgressListener } from './progress.js';
export type { WeightsLayout } from './weightWriter.js';
