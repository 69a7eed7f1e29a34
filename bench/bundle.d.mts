/** Types of bench/bundle.mjs for the TypeScript tests that import it. */
export interface Sizes {
  raw: number;
  min: number;
  gzip: number;
}
export interface Measured {
  sizes: Sizes;
  text: string;
  metafile: {
    inputs: Record<string, unknown>;
    outputs: Record<string, { imports: { path: string }[]; inputs: Record<string, { bytesInOutput: number }> }>;
  };
}
export declare const VERIFY_ENTRY: string;
export declare const ENTRIES: Record<string, string>;
export declare const TARGET_MIN_GZIP: number;
export declare function measure(contents: string, resolveDir?: string): Promise<Measured>;
export declare function measureAll(): Promise<Record<string, Sizes>>;
export declare function verifyBundleProblems(measured?: Measured): Promise<string[]>;
export declare function sections(text: string): { module: string; code: string }[];
export declare function composition(metafile: Measured['metafile']): {
  byPackage: Record<string, number>;
  largestModules: { module: string; bytes: number }[];
};
