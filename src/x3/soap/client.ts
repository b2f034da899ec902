/**
 * The classic SOAP client: one method per CAdxWebServiceXmlCC operation we use, over the same HTTP
 * exchange as api1 (timeouts, CA, deadline, credentials). Reads (read, query, getDescription) are
 * retried after a transient failure like api1's GETs; modify and save run once (the outbox re-runs
 * the whole delivery).
 */
import { withReadRetries, X3Exchange } from "../transport";
import { resolveSoapGatewayConfig, type ResolvedSoapGatewayConfig, type SoapGatewayConfig } from "./config";
import { buildSoapRequest, type SoapKey, type SoapParts } from "./envelope";
import { parseObjectData, type X3ObjectData } from "./payload";
import { readSoapAnswer, type SoapResult } from "./response";

export interface SoapObjectResult extends SoapResult {
  readonly data: X3ObjectData;
}

/** What the gateways use of the client: tests may pass another implementation. */
export type SoapObjectService = Pick<X3SoapClient, "config" | "read" | "modify" | "save" | "query" | "getDescription">;

const READS: ReadonlySet<SoapParts["operation"]> = new Set(["read", "query", "getDescription"]);

export class X3SoapClient {
  readonly config: ResolvedSoapGatewayConfig;
  private readonly exchanger: X3Exchange;
  /** Answers per operation since start: what a delivery costs is counted, not guessed. */
  readonly calls: Record<SoapParts["operation"], number> = { read: 0, modify: 0, save: 0, query: 0, getDescription: 0 };

  constructor(config: SoapGatewayConfig | ResolvedSoapGatewayConfig) {
    this.config = "serviceUrl" in config ? config : resolveSoapGatewayConfig(config);
    this.exchanger = new X3Exchange(this.config);
  }

  read(publicName: string, keys: readonly SoapKey[]): Promise<SoapObjectResult> {
    return this.object(publicName, { operation: "read", keys }, `read ${publicName}(${keyText(keys)})`);
  }

  /** Only the fields in `objectXml` change; the answer is the whole record ([I] X3-SOAP.md §9.3). */
  modify(publicName: string, keys: readonly SoapKey[], objectXml: string): Promise<SoapObjectResult> {
    return this.object(publicName, { operation: "modify", keys, objectXml }, `modify ${publicName}(${keyText(keys)})`);
  }

  save(publicName: string, objectXml: string, keyLabel = ""): Promise<SoapObjectResult> {
    return this.object(publicName, { operation: "save", objectXml }, `save ${publicName}(${keyLabel})`);
  }

  query(publicName: string, keys: readonly SoapKey[], listSize: number): Promise<SoapObjectResult> {
    return this.object(publicName, { operation: "query", keys, listSize }, `query ${publicName}`);
  }

  /** The publication's description; its layout is uncertain ([S]), so callers read it tolerantly. */
  getDescription(publicName: string): Promise<SoapResult> {
    return this.call(publicName, { operation: "getDescription" }, `getDescription ${publicName}`);
  }

  async close(): Promise<void> {
    await this.exchanger.close();
  }

  private async object(publicName: string, parts: SoapParts, label: string): Promise<SoapObjectResult> {
    const result = await this.call(publicName, parts, label);
    return { ...result, data: parseObjectData(result.resultXml, label, this.config.xmlLimits) };
  }

  private call(publicName: string, parts: SoapParts, label: string): Promise<SoapResult> {
    const { config } = this;
    const body = buildSoapRequest(
      { codeLang: config.language, poolAlias: config.poolAlias, poolId: "", requestConfig: config.requestConfig },
      publicName,
      parts,
    );
    return withReadRetries(config, READS.has(parts.operation), async () => {
      const { status, text } = await this.exchanger.exchange({
        method: "POST",
        url: config.serviceUrl,
        operation: label,
        headers: { "content-type": "text/xml; charset=utf-8", soapaction: '""', accept: "text/xml" },
        body,
        maxBodyBytes: config.maxResponseBytes,
      });
      this.calls[parts.operation]++;
      if (status === 401) this.exchanger.invalidateCredentials();
      return readSoapAnswer(status, text, {
        operation: parts.operation,
        label,
        language: config.language,
        catalogue: config.messages,
        limits: config.xmlLimits,
      });
    });
  }
}

function keyText(keys: readonly SoapKey[]): string {
  return keys.map((k) => k.value).join(",");
}
