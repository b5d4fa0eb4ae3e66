/**
 * The launcher popup; the view lives in pages/popup (search, apps,
 * favorites, profile), this entrypoint only names it.
 */
export { LauncherPopup as Popup } from '../../pages/popup/launcher-popup.tsx';
