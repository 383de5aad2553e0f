import { Presets, SingleBar } from 'cli-progress';

/** The startup bar on stderr: `{stage} [====] 50% | 1/2`. */
export function progressBar(stderr: NodeJS.WritableStream): SingleBar {
  return new SingleBar({ stream: stderr, format: '{stage} [{bar}] {percentage}% | {value}/{total}', hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
}
