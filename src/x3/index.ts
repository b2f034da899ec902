/** The X3 gateway's public surface (the emulator has its own: ./emulator). */
export { X3Gateway, type WriteSyncparOptions } from "./gateway";
export { checkX3Connection } from "./connectionCheck";
export {
  X3SoapGateway,
  parseFieldGroups,
  parseMessageCatalogue,
  type SoapGatewayConfig,
} from "./soap";
export {
  X3_TABLES,
  defaultX3Classes,
  resolveX3GatewayConfig,
  type X3Auth,
  type X3ClassBinding,
  type X3Classes,
  type X3GatewayConfig,
  type X3Table,
} from "./config";
export { X3ConflictError, X3Error, X3_ERROR_KINDS, isX3Error, type X3Diagnosis, type X3ErrorKind } from "./errors";
export {
  FOLDER_PARAMETERS,
  SYNC_DATA_ACTIONS,
  SYNC_DATA_TYPES,
  USER_PARAMETERS,
  type FolderParameter,
  type FolderParameters,
  type SyncDataAction,
  type SyncDataRow,
  type SyncDataType,
  type SyncparRow,
  type UserParameters,
} from "./records";
