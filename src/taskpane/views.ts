/** The lazily loaded views of the pane (see lazy.ts); the chunk names show in the build output. */
import { loadViewStrings } from "./i18n/load";
import { lazyView } from "./lazy";

/** A view that speaks with the admin.* strings (history, change lists, user picker) loads them beside its code. */
const withViewStrings = <T>(view: Promise<T>): Promise<T> => Promise.all([view, loadViewStrings()]).then(([v]) => v);

export const ConfirmDeleteDialog = lazyView(() => import(/* webpackChunkName: "dialogs" */ "./components/ConfirmDeleteDialog").then((m) => m.ConfirmDeleteDialog));
export const PresetsDialog = lazyView(() => withViewStrings(import(/* webpackChunkName: "dialogs" */ "./components/PresetsDialog").then((m) => m.PresetsDialog)));
export const FlagInfoPopover = lazyView(() => import(/* webpackChunkName: "popover" */ "./components/FlagInfoPopover").then((m) => m.FlagInfoPopover));
export const HistoryView = lazyView(() => withViewStrings(import(/* webpackChunkName: "history" */ "./components/HistoryView").then((m) => m.HistoryView)));
export const UserPicker = lazyView(() => withViewStrings(import(/* webpackChunkName: "admin" */ "./components/UserPicker").then((m) => m.UserPicker)));
export const X3ConnectionCheck = lazyView(() => import(/* webpackChunkName: "admin" */ "./components/X3ConnectionCheck").then((m) => m.X3ConnectionCheck));
export const ImpactPreview = lazyView(() => import(/* webpackChunkName: "impact" */ "./components/ImpactPreview").then((m) => m.ImpactPreview));
