/**
 * The matrix's 23 "i" buttons are plain <button>s with the classes Fluent's Button computes once for all
 * (components/InfoButton.tsx): each must render exactly as Fluent's own Button would, here and in every theme.
 */
import { Button, FluentProvider, webLightTheme } from "@fluentui/react-components";
import { Info16Regular } from "@fluentui/react-icons";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { I18nextProvider } from "react-i18next";
import { InfoButton, useInfoButtonLook, useInfoButtonStyles } from "../../src/taskpane/components/InfoButton";
import { createI18n } from "../../src/taskpane/i18n";
import { normalized } from "./sameDom";

function Light() {
  const look = useInfoButtonLook();
  return <InfoButton code="COROTKCRE" label="Create contact" look={look} />;
}

/** Fluent's Button with the props the "i" buttons had when each was one. */
function Fluent() {
  const styles = useInfoButtonStyles();
  return (
    <Button
      className={styles.button}
      appearance="transparent"
      size="small"
      icon={<Info16Regular />}
      aria-label="About “Create contact”"
      aria-expanded={false}
      aria-haspopup="dialog"
      data-info="COROTKCRE"
    />
  );
}

const renderIn = (node: ReactElement) =>
  render(
    <I18nextProvider i18n={createI18n("en")}>
      <FluentProvider theme={webLightTheme}>{node}</FluentProvider>
    </I18nextProvider>,
  ).container.querySelector("button")!;

describe("the matrix's info button", () => {
  it("renders as Fluent's Button does", () => {
    const light = renderIn(<Light />);
    const fluent = renderIn(<Fluent />);
    expect(light.getAttribute("aria-label")).toBe("About “Create contact”");
    expect(normalized(light)).toBe(normalized(fluent));
  });

  it("would tell a different look apart (the comparison can fail)", () => {
    const light = renderIn(<Light />);
    const other = renderIn(<Button appearance="subtle" size="small" icon={<Info16Regular />} aria-label="About “Create contact”" aria-expanded={false} aria-haspopup="dialog" data-info="COROTKCRE" />);
    expect(normalized(light)).not.toBe(normalized(other));
  });
});
