/**
 * The matrix's entity cards are memoized: when the pane renders again with the same flags (a save's status, a
 * delivery poll), the 23 switches are not rendered again. The classes computed once for them must keep that.
 */
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { render } from "@testing-library/react";
import { I18nextProvider } from "react-i18next";
import { allFlags } from "../../src/core/flags";
import * as FlagSwitchModule from "../../src/taskpane/components/FlagSwitch";
import { FlagMatrix, type FlagMatrixProps } from "../../src/taskpane/components/FlagMatrix";
import { createI18n } from "../../src/taskpane/i18n";

const i18n = createI18n("en");

function inPane(props: FlagMatrixProps) {
  return (
    <I18nextProvider i18n={i18n}>
      <FluentProvider theme={webLightTheme}>
        <FlagMatrix {...props} />
      </FluentProvider>
    </I18nextProvider>
  );
}

describe("the flag matrix", () => {
  afterEach(() => jest.restoreAllMocks());

  it("does not render its switches again when rendered again with the same flags", () => {
    const switches = jest.spyOn(FlagSwitchModule, "FlagSwitch");
    const props: FlagMatrixProps = { flags: allFlags(false), changed: new Set(), disabled: false, onRequest: () => undefined, locks: {}, entitiesOff: {} };
    const { rerender, container } = render(inPane(props));
    expect(container.querySelectorAll("[data-flag] input[role=switch]")).toHaveLength(23);
    const first = switches.mock.calls.length;
    expect(first).toBe(23);

    rerender(inPane({ ...props }));
    expect(switches.mock.calls.length).toBe(first);

    // New flags do render them again (what is counted is the switches' rendering).
    rerender(inPane({ ...props, flags: { ...props.flags, COROTKCRE: true } }));
    expect(switches.mock.calls.length).toBeGreaterThan(first);
  });
});
