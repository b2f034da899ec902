/**
 * X3 users through the GESAWE publication of object AUS. A `query` gives the left list, which may lack
 * the e-mail (ADDEML), so each user is then read; reads go one or two at a time because an X3 pool
 * has few channels and the deliveries need them too. The directory kept from this (refreshes, misses,
 * matching mailboxes) is the server's; this only fetches.
 */
import type { X3User } from "../../core/setup";
import { X3Error } from "../errors";
import { absentFromQuery, isPermanentRefusal } from "./absence";
import type { SoapObjectService } from "./client";
import type { X3ObjectData, X3Row } from "./payload";
import { x3UserCode } from "./setupGateway";

/** AUS fields ([C] STESTER's WSAUS): the key, the name, the e-mail; LAN (language) when published. */
export const USER_FIELDS = { code: "USR", name: "INTUSR", email: "ADDEML", language: "LAN" } as const;

export class SoapUserDirectory {
  private readonly publication: string;

  constructor(private readonly client: SoapObjectService) {
    this.publication = client.config.userPublication;
  }

  /**
   * Every user of the left list (at most `userListSize`), each read for its e-mail. A user X3 refuses
   * to read (deleted since the query) is left out; any other failure stops the listing.
   */
  async listUsers(): Promise<X3User[]> {
    const { data } = await this.client.query(this.publication, [], this.client.config.userListSize);
    const codes = [...new Set(data.rows.map((r) => codeOf(r)).filter((c): c is string => c !== null))];
    const users: (X3User | null)[] = new Array<X3User | null>(codes.length).fill(null);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < codes.length) {
        const index = next++;
        users[index] = await this.readUser(codes[index] as string, true);
      }
    };
    const workers = Math.min(this.client.config.userReadConcurrency, codes.length);
    await Promise.all(Array.from({ length: workers }, worker));
    return users.filter((u): u is X3User => u !== null);
  }

  /**
   * One user by code, or null when there is none. As for setups, "does not exist" is not read from
   * the wording: a refused read counts as "none" only when a query on the code answers without it.
   */
  getUser(code: string): Promise<X3User | null> {
    return this.readUser(x3UserCode(code), false);
  }

  /** `listed`: X3 has just listed the code, so a refused read means the user went away meanwhile. */
  private async readUser(normalized: string, listed: boolean): Promise<X3User | null> {
    const operation = `read ${this.publication}(${normalized})`;
    let data: X3ObjectData;
    try {
      data = (await this.client.read(this.publication, [{ key: USER_FIELDS.code, value: normalized }])).data;
    } catch (error) {
      if (!isPermanentRefusal(error)) throw error;
      if (listed || (await absentFromQuery(this.client, this.publication, USER_FIELDS.code, normalized))) return null;
      throw error;
    }
    const field = (name: string): string | null => {
      const v = data.fields.get(name)?.value.trim();
      return v ? v : null;
    };
    const userCode = field(USER_FIELDS.code);
    if (!userCode) throw new X3Error("protocol", `the answer has no ${USER_FIELDS.code}`, { operation });
    return { code: userCode, name: field(USER_FIELDS.name) ?? "", email: field(USER_FIELDS.email) ?? "", language: field(USER_FIELDS.language) };
  }

}

function codeOf(row: X3Row): string | null {
  const code = row.get(USER_FIELDS.code)?.trim();
  return code ? code.toUpperCase() : null;
}
