/** The X3 emulator's public surface. */
export { createX3Emulator, startX3Emulator } from "./app";
export type { RunningX3Emulator, StartX3EmulatorOptions, X3EmulatorApp, X3EmulatorOptions, X3EmulatorState } from "./app";
export type { EmulatorConnectedApp, EmulatorCredentials } from "./auth";
export { DEV_CREDENTIALS } from "./auth";
export type { Fault } from "./faults";
export { SEED_ENDPOINT } from "./seed";
