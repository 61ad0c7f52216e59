export interface BuildPart {
  name: string;
  inputs: string[];
  stamp: string;
  commands: string[][];
}
export const BUILD_PARTS: BuildPart[];
export function inputsHash(root: string, part: BuildPart): string;
export function buildIsCurrent(root: string, part: BuildPart): boolean;
export function recordBuild(root: string, part: BuildPart): void;
