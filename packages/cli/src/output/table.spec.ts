import { formatTable } from "./table";

describe("formatTable", () => {
  it("aligns columns under their headers without trailing spaces", () => {
    expect(
      formatTable(
        ["CLUSTER", "NAME", "ENDPOINT"],
        [
          ["prod", "prometheus", "http://a:9090/api/v1/read"],
          ["staging-eu", "p", ""],
        ],
      ),
    ).toBe(
      [
        "CLUSTER     NAME        ENDPOINT",
        "prod        prometheus  http://a:9090/api/v1/read",
        "staging-eu  p",
        "",
      ].join("\n"),
    );
  });

  it("prints only the headers for no rows", () => {
    expect(formatTable(["A", "B"], [])).toBe("A  B\n");
  });

  it("counts code points, fills missing cells and flattens line breaks", () => {
    expect(formatTable(["X", "Y"], [["é→", "1"], ["a\nb"]])).toBe("X    Y\né→   1\na b\n");
  });
});
