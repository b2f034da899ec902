import { initialAssets, inlineCode } from "../../bench/paneWeight";

describe("the weight bench's reading of taskpane.html", () => {
  const html =
    "<!doctype html><html><head><style>body{margin:0}</style><script>var a = 1;</script>" +
    '<script src="https://appsforoffice.microsoft.com/lib/1/hosted/office.js"></script>' +
    "<script type=module src=/taskpane.0123456789abcdef.js></script><link rel=icon href=assets/icon-32.png>" +
    '<link href=/griffel.0123456789abcdef.css rel=stylesheet></head><body><div id=root></div><SCRIPT>var b = 2;</SCRIPT ></body></html>';

  it("counts the local scripts and style sheets the page loads, not office.js nor the icon", () => {
    expect(initialAssets(html)).toEqual(["taskpane.0123456789abcdef.js", "griffel.0123456789abcdef.css"]);
  });

  it("counts what the page holds inline: its scripts and styles, not the scripts it loads", () => {
    expect(inlineCode(html)).toBe("body{margin:0}\nvar a = 1;\nvar b = 2;");
  });
});
