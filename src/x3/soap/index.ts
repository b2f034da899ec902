/** X3's classic SOAP web service (CAdxWebServiceXmlCC): the public surface for the server. */
export { X3SoapGateway } from "./gateway";
export { X3SoapClient, type SoapObjectService, type SoapObjectResult } from "./client";
export {
  parseFieldGroups,
  resolveSoapGatewayConfig,
  SOAP_SERVICE_PATH,
  type FieldGroups,
  type ResolvedSoapGatewayConfig,
  type SoapGatewayConfig,
} from "./config";
export { SoapSetupGateway, SETUP_KEY_FIELD, type SoapWriteSyncparOptions } from "./setupGateway";
export { SoapUserDirectory, USER_FIELDS } from "./userDirectory";
export { checkSoapConnection, requiredFields, type SoapCheckStepId } from "./soapConnectionCheck";
export { X3SoapRefusal, type SoapMessage, type SoapResult } from "./response";
export {
  BUILT_IN_MESSAGES,
  MESSAGE_CATEGORIES,
  parseMessageCatalogue,
  type MessageCatalogue,
  type MessageCategory,
} from "./messageCatalogue";
