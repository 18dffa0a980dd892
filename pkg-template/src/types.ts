/**
 * The public data types, as DESIGN.md defines them, generated from the Rust model
 * (`src/core/schema.rs` writes `generated.ts`).
 * @module
 */

export type { Action, Category, Classification, Format, HintSource, Phase } from "./generated.js";
