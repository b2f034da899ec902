import { listOf, statusTime } from "../../src/taskpane/listFormat";

describe("listOf", () => {
  it("joins in the language's words, and falls back to commas for a language Intl refuses", () => {
    expect(listOf("en", ["contacts", "tasks", "calls"])).toBe("contacts, tasks, and calls");
    expect(listOf("fr", ["contacts", "tâches"], "disjunction")).toBe("contacts ou tâches");
    expect(listOf("not a language!", ["a", "b"])).toBe("a, b");
  });

  it.each(["en", "fr"])("writes %s's lists as Intl.ListFormat does, without building one", (language) => {
    const words = ["contacts", "tâches", "appels", "rendez-vous", "notes"];
    const expected = (["conjunction", "disjunction"] as const).map((type) => {
      const intl = new Intl.ListFormat(language, { style: "long", type });
      return words.map((_, n) => intl.format(words.slice(0, n + 1)));
    });
    const spy = jest.spyOn(Intl, "ListFormat");
    try {
      const written = (["conjunction", "disjunction"] as const).map((type) => words.map((_, n) => listOf(language, words.slice(0, n + 1), type)));
      expect(written).toEqual(expected);
      expect(listOf(language, [])).toBe("");
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it("builds one formatter per language and kind, however many lists it formats", () => {
    const spy = jest.spyOn(Intl, "ListFormat");
    try {
      for (let i = 0; i < 20; i++) {
        listOf("de", ["a", "b"]);
        listOf("de", ["a", "b"], "disjunction");
      }
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("statusTime", () => {
  it("gives the time alone today and the date before, with one formatter each", () => {
    const now = new Date(2026, 10, 28, 15, 0);
    const spy = jest.spyOn(Intl, "DateTimeFormat");
    try {
      const today = statusTime("en-GB", new Date(2026, 10, 28, 9, 5).toISOString(), now);
      const before = statusTime("en-GB", new Date(2026, 10, 20, 9, 5).toISOString(), now);
      statusTime("en-GB", new Date(2026, 10, 28, 10, 5).toISOString(), now);
      expect(today).toBe("09:05");
      expect(before).toContain("20 Nov 2026");
      expect(spy).toHaveBeenCalledTimes(2);
      expect(statusTime("en-GB", "not a time", now)).toBe("");
    } finally {
      spy.mockRestore();
    }
  });
});
