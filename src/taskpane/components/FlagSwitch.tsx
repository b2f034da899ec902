/**
 * The matrix's 23 switches. Each renders exactly the elements and classes Fluent's Switch renders (a <div>
 * with the input, the indicator and the label), but Fluent's own hooks — state, slots, native-prop
 * filtering, the Label component, the styles' class merging — run once for all of them (`useSwitchLook`,
 * in FlagMatrix) instead of once for each: they were most of the first screen's rendering time.
 * test/taskpane/FlagSwitch.test.tsx checks that both render the same, enabled and disabled, on and off.
 */
import {
  mergeClasses,
  useFocusWithin,
  useLabel_unstable,
  useLabelStyles_unstable,
  useSwitch_unstable,
  useSwitchStyles_unstable,
  type LabelProps,
} from "@fluentui/react-components";
import { CircleFilled } from "@fluentui/react-icons";
import { type ReactNode, useId, useMemo } from "react";

/** The classes Fluent's Switch gives its parts (medium, label after); the label's differ when disabled. */
export interface SwitchLook {
  readonly root: string;
  readonly input: string;
  readonly indicator: string;
  readonly label: string;
  readonly disabledLabel: string;
}

/** Fluent's Label as Switch renders it (Switch passes its own label classes, size and disabled state). */
function useLabelClass(switchLabel: LabelProps | undefined, disabled: boolean): string {
  const state = useLabel_unstable({ ...switchLabel, disabled }, null);
  useLabelStyles_unstable(state);
  return state.root.className ?? "";
}

/** Runs Fluent's Switch hooks once (enabled and disabled) and keeps the classes they compute. */
export function useSwitchLook(): SwitchLook {
  const enabled = useSwitch_unstable({ label: " " }, null);
  useSwitchStyles_unstable(enabled);
  const disabled = useSwitch_unstable({ label: " ", disabled: true }, null);
  useSwitchStyles_unstable(disabled);
  const label = useLabelClass(enabled.label as LabelProps | undefined, false);
  const disabledLabel = useLabelClass(disabled.label as LabelProps | undefined, true);
  const root = enabled.root.className ?? "";
  const input = enabled.input.className ?? "";
  const indicator = enabled.indicator.className ?? "";
  return useMemo(() => ({ root, input, indicator, label, disabledLabel }), [root, input, indicator, label, disabledLabel]);
}

export interface FlagSwitchProps {
  readonly look: SwitchLook;
  readonly checked: boolean;
  readonly disabled: boolean;
  readonly label: ReactNode;
  readonly className?: string;
  readonly labelClassName?: string;
  readonly "aria-describedby"?: string;
  readonly onChange: (checked: boolean) => void;
}

export function FlagSwitch({ look, checked, disabled, label, className, labelClassName, onChange, ...aria }: FlagSwitchProps) {
  const id = `switch-${useId()}`;
  // Fluent's keyboard focus ring on the whole switch (data-fui-focus-within), as its Switch sets it up.
  const root = useFocusWithin<HTMLDivElement>();
  return (
    <div ref={root} className={mergeClasses(look.root, className)}>
      <input
        id={id}
        role="switch"
        type="checkbox"
        className={look.input}
        checked={checked}
        disabled={disabled}
        aria-describedby={aria["aria-describedby"]}
        onChange={(event) => onChange(event.currentTarget.checked)}
      />
      <div aria-hidden="true" className={look.indicator}>
        <CircleFilled />
      </div>
      <label htmlFor={id} className={mergeClasses(disabled ? look.disabledLabel : look.label, labelClassName)}>
        {label}
      </label>
    </div>
  );
}
