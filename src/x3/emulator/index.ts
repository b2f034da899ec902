/** The X3 emulator's public surface. */
export { createX3Emulator, startX3Emulator } from "./app";
export type { RunningX3Emulator, StartX3EmulatorOptions, X3EmulatorApp, X3EmulatorOptions, X3EmulatorState } from "./app";
export type { EmulatorConnectedApp, EmulatorCredentials } from "./auth";
export { DEV_CREDENTIALS } from "./auth";
export type { Fault } from "./faults";
export { SEED_ENDPOINT } from "./seed";
export type { FaultInput } from "./faults";
export type { SoapCallCounts } from "./soap/calls";
export type { PoolModel } from "./soap/pool";
export { DEFAULT_AUS_GROUPS, DEFAULT_SYP_GROUPS } from "./soap/publications";
export type { GroupLayout, PublicationOptions } from "./soap/publications";
export { DEFAULT_POOL_ALIASES, SOAP_PATH, WSDL_PATH } from "./soap/routes";
export type { SoapEmulatorOptions } from "./soap/routes";
export { WSDL_FILE } from "./soap/wsdl";
