/**
 * The matrix's 23 switches are the elements Fluent's Switch renders, with the classes its hooks compute once for
 * all (components/FlagSwitch.tsx): each must render exactly as Fluent's own Switch would, and behave as it does.
 */
import { FluentProvider, makeStyles, Switch, webLightTheme } from "@fluentui/react-components";
import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactElement } from "react";
import { FlagSwitch, useSwitchLook } from "../../src/taskpane/components/FlagSwitch";
import { normalized } from "./sameDom";

const useStyles = makeStyles({ root: { flexGrow: 1 }, label: { overflowWrap: "anywhere" } });

interface Case {
  readonly checked: boolean;
  readonly disabled: boolean;
}

function Light({ checked, disabled, onChange = () => undefined }: Case & { onChange?: (checked: boolean) => void }) {
  const look = useSwitchLook();
  const styles = useStyles();
  return (
    <FlagSwitch
      look={look}
      className={styles.root}
      labelClassName={styles.label}
      checked={checked}
      disabled={disabled}
      label="Create Outlook contact"
      aria-describedby="code-COROTKCRE"
      onChange={onChange}
    />
  );
}

/** Fluent's Switch with the props the matrix gave each one when each was one. */
function Fluent({ checked, disabled }: Case) {
  const styles = useStyles();
  return (
    <Switch
      className={styles.root}
      checked={checked}
      disabled={disabled}
      onChange={() => undefined}
      label={{ children: "Create Outlook contact", className: styles.label }}
      aria-describedby="code-COROTKCRE"
    />
  );
}

const renderIn = (node: ReactElement) => {
  const { container } = render(
    <FluentProvider theme={webLightTheme}>
      {node}
      <span id="code-COROTKCRE">COROTKCRE</span>
    </FluentProvider>,
  );
  return container.querySelector(".fui-Switch")!;
};

const CASES: Case[] = [
  { checked: false, disabled: false },
  { checked: true, disabled: false },
  { checked: false, disabled: true },
  { checked: true, disabled: true },
];

describe("the matrix's switch", () => {
  it.each(CASES)("renders as Fluent's Switch does (checked %p)", (c) => {
    const light = renderIn(<Light {...c} />);
    const fluent = renderIn(<Fluent {...c} />);
    expect(normalized(light)).toBe(normalized(fluent));
    const input = light.querySelector("input")!;
    expect(input.checked).toBe(c.checked);
    expect(input.disabled).toBe(c.disabled);
    expect(input.getAttribute("role")).toBe("switch");
    // The label names the input: screen readers say "Create Outlook contact, switch, off".
    expect(light.querySelector("label")!.htmlFor).toBe(input.id);
  });

  it("would tell a different look apart (the comparison can fail)", () => {
    const light = renderIn(<Light checked={false} disabled={false} />);
    const other = renderIn(<Fluent checked={false} disabled={true} />);
    expect(normalized(light)).not.toBe(normalized(other));
  });

  it("reports the new state when clicked or toggled with the keyboard, and not when disabled", async () => {
    const user = userEvent.setup();
    const changes: boolean[] = [];
    const on = renderIn(<Light checked={false} disabled={false} onChange={(checked) => changes.push(checked)} />);
    await user.click(on.querySelector("input")!);
    const off = renderIn(<Light checked={true} disabled={false} onChange={(checked) => changes.push(checked)} />);
    await user.click(off.querySelector("label")!);
    const keyboard = renderIn(<Light checked={false} disabled={false} onChange={(checked) => changes.push(checked)} />);
    keyboard.querySelector("input")!.focus();
    await user.keyboard(" ");
    const disabled = renderIn(<Light checked={false} disabled={true} onChange={(checked) => changes.push(checked)} />);
    await user.click(disabled.querySelector("input")!);
    await user.click(disabled.querySelector("label")!);
    expect(changes).toEqual([true, false, true]);
  });

  it("gives each switch an id of its own", () => {
    const { container } = render(
      <FluentProvider theme={webLightTheme}>
        <Light checked={false} disabled={false} />
        <Light checked={true} disabled={false} />
      </FluentProvider>,
    );
    const ids = Array.from(container.querySelectorAll("input")).map((i) => i.id);
    expect(new Set(ids).size).toBe(2);
  });
});
