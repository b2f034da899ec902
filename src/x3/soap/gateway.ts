/**
 * One object for the server: the SOAP client with its setups, users and connection test. What SOAP
 * cannot reach without development (user and folder parameters, SYNCDATA) stays with the api1 gateway.
 */
import type { Flags } from "../../core/flags";
import type { X3User } from "../../core/setup";
import type { ConnectionReport } from "../../core/connectionReport";
import type { SyncparRow } from "../records";
import { X3SoapClient } from "./client";
import type { ResolvedSoapGatewayConfig, SoapGatewayConfig } from "./config";
import { checkSoapConnection } from "./soapConnectionCheck";
import { SoapSetupGateway, type SoapWriteSyncparOptions } from "./setupGateway";
import { SoapUserDirectory } from "./userDirectory";

export class X3SoapGateway {
  readonly client: X3SoapClient;
  readonly setups: SoapSetupGateway;
  readonly users: SoapUserDirectory;

  constructor(config: SoapGatewayConfig | ResolvedSoapGatewayConfig) {
    this.client = new X3SoapClient(config);
    this.setups = new SoapSetupGateway(this.client);
    this.users = new SoapUserDirectory(this.client);
  }

  readSyncpar(userCode: string): Promise<SyncparRow | null> {
    return this.setups.readSyncpar(userCode);
  }

  writeSyncpar(userCode: string, flags: Flags, options?: SoapWriteSyncparOptions): Promise<SyncparRow> {
    return this.setups.writeSyncpar(userCode, flags, options);
  }

  get writeSyncparBoundMs(): number {
    return this.setups.writeSyncparBoundMs;
  }

  getUser(code: string): Promise<X3User | null> {
    return this.users.getUser(code);
  }

  listUsers(): Promise<X3User[]> {
    return this.users.listUsers();
  }

  checkConnection(userCode: string | null): Promise<ConnectionReport> {
    return checkSoapConnection(this.client, userCode);
  }

  get baseUrl(): string {
    return this.client.config.baseUrl;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
