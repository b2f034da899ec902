/** Outlook on a phone (coarse pointer): 44 px touch targets instead of Fluent's 32 px buttons; desktop keeps Fluent's. */
import { makeStyles } from "@fluentui/react-components";

export const useTouchStyles = makeStyles({
  button: { "@media (pointer: coarse)": { minHeight: "44px" } },
});
