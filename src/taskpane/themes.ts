/**
 * The Fluent themes other than light, a chunk of their own (see theme.ts): @fluentui/tokens builds each
 * theme's tokens when its module is evaluated, which a user of Outlook's light theme does not need.
 */
export { teamsHighContrastTheme, webDarkTheme } from "@fluentui/react-components";
